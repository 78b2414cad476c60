using System.Collections.Concurrent;
using System.Diagnostics;
using Confluent.Kafka;
using KafkaConnector.Configuration;
using KafkaConnector.Diagnostics;
using KafkaConnector.Engine;
using KafkaConnector.Messages;
using Microsoft.Extensions.Logging;

namespace KafkaConnector.Consumers;

/// <summary>
/// One subscription to a reactive stream: its own consumers (each polling on its own thread), a
/// bounded buffer, and one delivery thread that calls the observer serially. When the buffer is
/// full the consumers pause their partitions and keep polling, so a slow observer neither grows
/// memory nor gets the consumer evicted from its group. Offsets are stored only after
/// <c>OnNext</c> returned and committed periodically, on revocation and on close (at-least-once).
/// </summary>
internal sealed class ReactiveConsumerSession : IDisposable
{
    private readonly KafkaClientFactory _clients;
    private readonly KafkaConnectorMetrics _metrics;
    private readonly ILogger _logger;
    private readonly IObserver<KafkaMessage> _observer;
    private readonly string? _groupId;
    private readonly KafkaSubscription _subscription;
    private readonly KafkaReactiveConsumeOptions _options;
    private readonly Action<ReactiveConsumerSession> _onStopped;
    private readonly int _bufferSize;
    private readonly TimeSpan _pollInterval;
    private readonly TimeSpan _commitInterval;
    private readonly TimeSpan _stopTimeout;
    private readonly BlockingCollection<Buffered> _buffer = new(new ConcurrentQueue<Buffered>());
    private readonly PartitionEpochs _epochs = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly ManualResetEventSlim _deliveryDone = new();
    private readonly List<Worker> _workers = [];
    private readonly string _name;
    private Thread? _deliveryThread;
    private int _buffered;
    private int _maxBuffered;
    private int _stopping;
    private int _running;
    private volatile bool _complete;
    private volatile bool _observerThrew;
    private volatile Exception? _terminalError;

    internal ReactiveConsumerSession(
        KafkaClientFactory clients,
        KafkaConnectorMetrics metrics,
        ILogger logger,
        IObserver<KafkaMessage> observer,
        string? groupId,
        KafkaSubscription subscription,
        KafkaReactiveConsumeOptions options,
        Action<ReactiveConsumerSession> onStopped)
    {
        _clients = clients;
        _metrics = metrics;
        _logger = logger;
        _observer = observer;
        _groupId = groupId;
        _subscription = subscription;
        _options = options;
        _onStopped = onStopped;
        var settings = clients.Options;
        _bufferSize = options.BufferSize ?? settings.Reactive.BufferSize;
        _pollInterval = settings.Reactive.PollInterval;
        _commitInterval = settings.Reactive.CommitInterval;
        _stopTimeout = settings.ShutdownTimeout;
        _name = subscription.ToString();
    }

    /// <summary>The most messages the buffer held at once (for tests and diagnostics).</summary>
    internal int MaxBuffered => Volatile.Read(ref _maxBuffered);


    internal void Start()
    {
        var consumers = _subscription.UsesGroup ? _options.ConsumerCount ?? _clients.Options.Reactive.MaxConsumerThreads : 1;
        try
        {
            for (var i = 0; i < consumers; i++)
            {
                _workers.Add(new Worker(this, i));
            }
        }
        catch
        {
            foreach (var worker in _workers)
            {
                worker.Consumer.Dispose();
            }

            throw;
        }

        _running = _workers.Count;
        _deliveryThread = new Thread(Deliver) { IsBackground = true, Name = "kafka-reactive-deliver" };
        _deliveryThread.Start();
        foreach (var worker in _workers)
        {
            worker.Start();
        }

        ConsumerLog.StreamStarted(_logger, _name, consumers, _groupId);
    }

    /// <summary>Ends the stream with <c>OnCompleted</c> (host shutdown) and waits for it to stop.</summary>
    internal void Complete()
    {
        _complete = true;
        Dispose();
    }

    /// <summary>Stops polling, commits what was delivered and closes the consumers, waiting at most the shutdown timeout.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _stopping, 1) == 1)
        {
            return;
        }

        _stop.Cancel();
        if (Thread.CurrentThread == _deliveryThread || _workers.Any(w => w.IsCurrentThread))
        {
            // Disposed from OnNext or a partition callback: the threads finish on their own once it returns.
            return;
        }

        var watch = Stopwatch.StartNew();
        var stopped = _deliveryThread?.Join(_stopTimeout) ?? true;
        foreach (var worker in _workers)
        {
            stopped &= worker.Join(_stopTimeout - watch.Elapsed);
        }

        if (!stopped)
        {
            ConsumerLog.StopTimedOut(_logger, _name, _stopTimeout);
        }
    }

    private void Fail(Exception error)
    {
        _terminalError ??= error;
        _stop.Cancel();
    }

    private void Deliver()
    {
        try
        {
            foreach (var item in _buffer.GetConsumingEnumerable(_stop.Token))
            {
                Interlocked.Decrement(ref _buffered);
                if (!_epochs.IsCurrent(item.Result.TopicPartition, item.Epoch))
                {
                    continue; // revoked since it was fetched; its next owner reads it again
                }

                try
                {
                    _observer.OnNext(KafkaMessage.FromConsumeResult(item.Result));
                }
                catch (Exception e)
                {
                    _metrics.CallbackFailed("reactive.onnext");
                    ConsumerLog.ObserverThrew(_logger, e, _name);
                    _observerThrew = true; // Rx grammar: no OnError after the observer itself failed
                    Fail(e);
                    return;
                }

                _metrics.Consumed(item.Result.Topic);
                // Checked again after OnNext: a revocation during it already committed, and the next owner reads this message again.
                if (_options.CommitOffsets)
                {
                    _epochs.StoreIfCurrent(item.Result.TopicPartition, item.Epoch, item, static i => i.Worker.Store(i.Result));
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
        finally
        {
            _deliveryDone.Set();
            Finish();
        }
    }

    private void Finish()
    {
        var error = _terminalError;
        try
        {
            if (error is not null && !_observerThrew)
            {
                _observer.OnError(error);
            }
            else if (_complete)
            {
                _observer.OnCompleted();
            }
        }
        catch (Exception e)
        {
            _metrics.CallbackFailed("reactive.terminal");
            ConsumerLog.ObserverThrew(_logger, e, _name);
        }
    }

    private void Enqueue(Worker worker, ConsumeResult<byte[], byte[]> result)
    {
        var epoch = _epochs.Current(result.TopicPartition);
        var count = Interlocked.Increment(ref _buffered);
        InterlockedMax(ref _maxBuffered, count);
        _buffer.Add(new Buffered(result, worker, epoch));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while (value > (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }

    private readonly record struct Buffered(ConsumeResult<byte[], byte[]> Result, Worker Worker, int Epoch);

    /// <summary>One consumer and the thread that polls it.</summary>
    private sealed class Worker
    {
        private readonly ReactiveConsumerSession _session;
        private readonly Thread _thread;
        private readonly FlowController _flow;
        private ConsumerPauser? _pauser;
        private int _stored;

        public Worker(ReactiveConsumerSession session, int index)
        {
            _session = session;
            _flow = new FlowController(session._bufferSize, int.MaxValue, static _ => false); // one observer: the whole buffer is the limit
            var overrides = session._options.ConsumerProperties;
            Consumer = session._clients.CreateConsumer(
                // Confluent.Kafka requires a group id even for assigned partitions; nothing is committed without one of the caller's.
                session._groupId ?? $"kafkaconnector-assign-{Guid.NewGuid():N}",
                overrides,
                builder => builder
                    .SetPartitionsAssignedHandler((_, partitions) => OnAssigned(partitions))
                    .SetPartitionsRevokedHandler((_, partitions) => OnRevoked(partitions.Select(p => p.TopicPartition).ToList(), commit: true))
                    .SetPartitionsLostHandler((_, partitions) => OnRevoked(partitions.Select(p => p.TopicPartition).ToList(), commit: false)),
                onError: (_, error) =>
                {
                    if (error.IsFatal)
                    {
                        session.Fail(new KafkaException(error));
                    }
                });
            _thread = new Thread(Poll) { IsBackground = true, Name = $"kafka-reactive-poll-{index}" };
        }

        public IConsumer<byte[], byte[]> Consumer { get; }

        public bool IsCurrentThread => Thread.CurrentThread == _thread;

        public void Start() => _thread.Start();

        public bool Join(TimeSpan timeout) => _thread.Join(timeout > TimeSpan.Zero ? timeout : TimeSpan.Zero);

        public void Store(ConsumeResult<byte[], byte[]> result)
        {
            try
            {
                Consumer.StoreOffset(result);
                Volatile.Write(ref _stored, 1);
            }
            catch (KafkaException e)
            {
                ConsumerLog.OffsetNotStored(_session._logger, result.TopicPartition.ToString(), e.Error.Reason);
            }
            catch (ObjectDisposedException)
            {
                // The consumer closed while the observer ran; the message is read again next time.
            }
        }

        private void Poll()
        {
            var session = _session;
            var token = session._stop.Token;
            var sinceCommit = Stopwatch.StartNew();
            try
            {
                if (session._subscription.UsesGroup)
                {
                    Consumer.Subscribe(session._subscription.Pattern is { } pattern ? [pattern] : session._subscription.Topics);
                }
                else
                {
                    EnsurePartitionsExist(session._clients, session._subscription.Assignment);
                    Consumer.Assign(session._subscription.Assignment);
                    _flow.Assigned(session._subscription.Assignment.Select(a => a.TopicPartition));
                    session._options.OnPartitionsAssigned?.Invoke(session._subscription.Assignment.Select(a => a.TopicPartition).ToList());
                }

                while (!token.IsCancellationRequested)
                {
                    ConsumeResult<byte[], byte[]>? result;
                    try
                    {
                        result = Consumer.Consume(session._pollInterval);
                    }
                    catch (ConsumeException e) when (!IsTerminal(e.Error, session._subscription.UsesGroup))
                    {
                        ConsumerLog.TransientConsumeError(session._logger, session._name, e.Error.Code, e.Error.Reason);
                        continue;
                    }

                    if (result is { IsPartitionEOF: false })
                    {
                        session.Enqueue(this, result);
                    }

                    FlowControl();
                    if (sinceCommit.Elapsed >= session._commitInterval)
                    {
                        Commit();
                        sinceCommit.Restart();
                    }
                }
            }
            catch (ConsumeException e)
            {
                ConsumerLog.StreamFailed(session._logger, session._name, e.Error.Code, e.Error.Reason);
                session.Fail(e);
            }
            catch (Exception e) when (e is KafkaException or InvalidOperationException)
            {
                ConsumerLog.StreamFailed(session._logger, session._name, (e as KafkaException)?.Error.Code ?? ErrorCode.Unknown, e.Message);
                session.Fail(e);
            }
            finally
            {
                Close();
            }
        }

        /// <summary>
        /// librdkafka waits for ever on a partition its topic does not have; a stream on explicit
        /// partitions ends with <c>Local_UnknownPartition</c> instead. A topic that does not exist
        /// yet is waited for: it may be created.
        /// </summary>
        private static void EnsurePartitionsExist(KafkaClientFactory clients, IReadOnlyCollection<TopicPartitionOffset> assignment)
        {
            using var admin = clients.CreateAdminClient([new("allow.auto.create.topics", "false")]);
            foreach (var topic in assignment.GroupBy(a => a.Topic))
            {
                var metadata = admin.GetMetadata(topic.Key, TimeSpan.FromSeconds(10)).Topics.SingleOrDefault(t => t.Topic == topic.Key);
                if (metadata is null || metadata.Error.Code != ErrorCode.NoError || metadata.Partitions.Count == 0)
                {
                    continue;
                }

                var missing = topic.Select(a => a.Partition.Value).Where(p => metadata.Partitions.All(m => m.PartitionId != p)).ToList();
                if (missing.Count > 0)
                {
                    throw new KafkaException(new Error(ErrorCode.Local_UnknownPartition,
                        $"Topic '{topic.Key}' has {metadata.Partitions.Count} partition(s) (0 to {metadata.Partitions.Count - 1}): no partition {string.Join(", ", missing)}"));
                }
            }
        }

        private void FlowControl()
        {
            var buffered = Volatile.Read(ref _session._buffered);
            if (!_flow.IsDue(buffered, 0))
            {
                return;
            }

            var (paused, resumed) = _flow.Apply(_pauser ??= new ConsumerPauser(Consumer), buffered, static _ => 0);
            if (paused > 0)
            {
                ConsumerLog.Paused(_session._logger, Consumer.Name, paused, buffered);
            }

            if (resumed > 0)
            {
                ConsumerLog.Resumed(_session._logger, Consumer.Name, resumed);
            }
        }

        private void Commit()
        {
            if (!_session._options.CommitOffsets || Interlocked.Exchange(ref _stored, 0) == 0)
            {
                return;
            }

            try
            {
                Consumer.Commit(); // the stored offsets: only messages OnNext returned from
            }
            catch (KafkaException e) when (e.Error.Code == ErrorCode.Local_NoOffset)
            {
                // Nothing new to commit.
            }
            catch (KafkaException e)
            {
                Volatile.Write(ref _stored, 1);
                ConsumerLog.CommitFailed(_session._logger, Consumer.Name, e.Error.Reason);
            }
        }

        private void Close()
        {
            // The delivery thread may still be inside OnNext: let it finish and store its offset first.
            _session._deliveryDone.Wait(_session._stopTimeout);
            try
            {
                Commit();
                Consumer.Close();
            }
            catch (Exception e) when (e is KafkaException or ObjectDisposedException)
            {
                ConsumerLog.CommitFailed(_session._logger, Consumer.Name, e.Message);
            }
            finally
            {
                Consumer.Dispose();
                if (Interlocked.Decrement(ref _session._running) == 0)
                {
                    ConsumerLog.StreamStopped(_session._logger, _session._name);
                    _session._onStopped(_session);
                }
            }
        }

        private void OnAssigned(List<TopicPartition> partitions)
        {
            _flow.Assigned(partitions); // pause state re-established explicitly on the next poll, kept partitions included
            Invoke(_session._options.OnPartitionsAssigned, partitions);
        }

        private void OnRevoked(List<TopicPartition> partitions, bool commit)
        {
            _flow.Revoked(partitions);
            _session._epochs.Revoke(partitions);

            if (commit)
            {
                Commit();
            }

            Invoke(_session._options.OnPartitionsRevoked, partitions);
        }

        private void Invoke(Action<IReadOnlyList<TopicPartition>>? callback, List<TopicPartition> partitions)
        {
            try
            {
                callback?.Invoke(partitions);
            }
            catch (Exception e)
            {
                _session._metrics.CallbackFailed("reactive.partitions");
                ConsumerLog.PartitionCallbackThrew(_session._logger, e, _session._name);
            }
        }

        /// <summary>
        /// Errors that end the stream with OnError: fatal ones, refused authorization, and, for a
        /// stream on explicit partitions, a partition the topic does not have (retrying cannot help).
        /// </summary>
        private static bool IsTerminal(Error error, bool usesGroup) =>
            error.IsFatal
            || error.Code is ErrorCode.TopicAuthorizationFailed or ErrorCode.GroupAuthorizationFailed or ErrorCode.SaslAuthenticationFailed
            || (!usesGroup && error.Code is ErrorCode.Local_UnknownPartition);
    }
}
