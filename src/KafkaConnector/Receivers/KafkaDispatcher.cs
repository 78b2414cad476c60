using System.Diagnostics;
using System.Globalization;
using System.Text;
using Confluent.Kafka;
using KafkaConnector.Cluster;
using KafkaConnector.Configuration;
using KafkaConnector.Diagnostics;
using KafkaConnector.Messages;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KafkaConnector.Receivers;

/// <summary>
/// Consumes the node's system topics and every receiver's topics in the node's own group, and
/// calls the matching receivers.
/// <list type="bullet">
/// <item>At-least-once: auto commit is off; a partition's offset is committed only when every
/// matching receiver finished that message and all earlier ones (<see cref="PartitionTracker"/>).</item>
/// <item>Order per key: messages of one partition and key run one at a time, in offset order;
/// different keys run in parallel, up to <c>System:MaxConsumerThreads</c> (<see cref="KeyedWorkScheduler{TItem}"/>).</item>
/// <item>Bounded: at <c>Dispatch:MaxInFlight</c> messages the partitions pause; the consumer keeps
/// polling, so it stays in its group, and resumes at half. A rebalance never leaves it paused.</item>
/// <item>Failures are retried with backoff, then written to the dead-letter topic, then committed.</item>
/// <item>Stop is bounded by <c>ShutdownTimeout</c>, even when a receiver hangs.</item>
/// </list>
/// </summary>
internal sealed class KafkaDispatcher : IHostedService, IDisposable
{
    private static readonly TimeSpan PausedPollInterval = TimeSpan.FromMilliseconds(10);

    private readonly KafkaClientFactory _clients;
    private readonly KafkaConnectorSystemApi _api;
    private readonly ReceiverRegistry _registry;
    private readonly IServiceProvider _services;
    private readonly IKafkaTopicProvisioner _provisioner;
    private readonly IClusterTrafficHandler _cluster;
    private readonly KafkaConnectorMetrics _metrics;
    private readonly ILogger _logger;
    private readonly KafkaConnectorOptions _options;
    private readonly KafkaClusterTopicNames? _topics;
    private readonly Dictionary<TopicPartition, PartitionTracker> _partitions = [];
    private readonly Dictionary<string, ReceiverRegistration[]> _byTopic = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopPolling = new();
    private readonly CancellationTokenSource _hardStop = new();
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private KeyedWorkScheduler<WorkItem>? _scheduler;
    private Thread? _pollThread;
    private IConsumer<byte[], byte[]>? _consumer;
    private List<string> _subscription = [];
    private int _inFlight;
    private bool _paused;
    private bool _ready;
    private volatile bool _resubscribe;
    private volatile bool _stopping;
    private volatile bool _closing;
    private volatile Error? _fatal;

    public KafkaDispatcher(
        KafkaClientFactory clients,
        KafkaConnectorSystemApi api,
        ReceiverRegistry registry,
        IServiceProvider services,
        IKafkaTopicProvisioner provisioner,
        IClusterTrafficHandler cluster,
        NodeIdentity identity,
        KafkaConnectorMetrics metrics,
        ILoggerFactory loggerFactory)
    {
        _clients = clients;
        _api = api;
        _registry = registry;
        _services = services;
        _provisioner = provisioner;
        _cluster = cluster;
        _metrics = metrics;
        _logger = loggerFactory.CreateLogger("KafkaConnector.Dispatcher");
        _options = clients.Options;
        _topics = identity.Topics;
    }

    /// <summary>Whether the dispatcher runs (the node has an identity).</summary>
    internal bool IsRunning => _pollThread is not null;

    /// <summary>Messages read and not yet finished.</summary>
    internal int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>The fatal consumer error that stopped the dispatcher, if any.</summary>
    internal Error? FatalError => _fatal;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_topics is null)
        {
            if (!_registry.Current.IsEmpty)
            {
                throw new InvalidOperationException(
                    $"Receivers are registered ({string.Join(", ", _registry.Current)}) but KafkaConnector:Layer and KafkaConnector:NodeId are not set: they name the node's consumer group and topics.");
            }

            _stopped.TrySetResult();
            return Task.CompletedTask;
        }

        _scheduler = new KeyedWorkScheduler<WorkItem>(_options.System.MaxConsumerThreads, ProcessAsync);
        _registry.Changed += OnReceiversChanged;
        _pollThread = new Thread(Run) { IsBackground = true, Name = "kafka-dispatcher" };
        _pollThread.Start();
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _registry.Changed -= OnReceiversChanged;
        await _stopPolling.CancelAsync().ConfigureAwait(false);
        // The poll thread drains, commits and closes within ShutdownTimeout; the margin covers the close itself.
        await _stopped.Task.WaitAsync(_options.ShutdownTimeout + TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        // A poll thread that outlived its stop bound still uses the tokens: leave them to the GC then.
        if (_stopped.Task.IsCompleted)
        {
            _stopPolling.Dispose();
            _hardStop.Dispose();
            _scheduler?.Dispose();
        }
    }

    private void OnReceiversChanged() => _resubscribe = true;

    private void Run()
    {
        var topics = _topics!;
        try
        {
            ProvisionSystemTopics(topics);
            _consumer = _clients.CreateConsumer(
                topics.GroupId,
                configure: builder => builder
                    .SetPartitionsAssignedHandler(OnAssigned)
                    .SetPartitionsRevokedHandler((c, p) => OnRevoked(c, p.Select(x => x.TopicPartition).ToList(), commit: true))
                    .SetPartitionsLostHandler((c, p) => OnRevoked(c, p.Select(x => x.TopicPartition).ToList(), commit: false)),
                onError: (_, error) =>
                {
                    if (error.IsFatal)
                    {
                        _fatal = error;
                    }
                });
            Subscribe();
            DispatchLog.Started(_logger, topics.NodeId, topics.Layer, string.Join(',', _subscription), topics.GroupId, _options.System.MaxConsumerThreads);
            Poll();
        }
        catch (Exception e) when (e is KafkaException or InvalidOperationException)
        {
            DispatchLog.Fatal(_logger, (e as KafkaException)?.Error.Code ?? ErrorCode.Unknown, e.Message);
        }
        finally
        {
            Shutdown();
        }
    }

    private void Poll()
    {
        var consumer = _consumer!;
        var sinceCommit = Stopwatch.StartNew();
        var token = _stopPolling.Token;
        while (!token.IsCancellationRequested)
        {
            if (_fatal is { } fatal)
            {
                DispatchLog.Fatal(_logger, fatal.Code, fatal.Reason);
                return;
            }

            if (_resubscribe)
            {
                _resubscribe = false;
                _byTopic.Clear();
                Subscribe();
            }

            try
            {
                // Paused partitions deliver nothing: poll briefly so that FlowControl resumes them as
                // soon as the work drains, not a whole PollInterval later.
                if (consumer.Consume(_paused ? PausedPollInterval : _options.System.PollInterval) is { IsPartitionEOF: false } result)
                {
                    Dispatch(result);
                }
            }
            catch (ConsumeException e)
            {
                DispatchLog.ConsumeError(_logger, e.Error.Code, e.Error.Reason);
            }

            FlowControl(consumer);
            if (sinceCommit.Elapsed >= _options.Dispatch.CommitInterval)
            {
                Commit(consumer, _partitions.Values);
                sinceCommit.Restart();
            }
        }
    }

    private void Subscribe()
    {
        var topics = _topics!;
        var wanted = new SortedSet<string>(StringComparer.Ordinal) { topics.Broadcast, topics.Node };
        foreach (var registration in _registry.Current)
        {
            wanted.UnionWith(registration.Filter.ResolveNames(topics));
            wanted.UnionWith(registration.Filter.Patterns.Select(p => p.ToString()));
        }

        if (!wanted.SequenceEqual(_subscription))
        {
            _subscription = [.. wanted];
            if (_ready)
            {
                DispatchLog.Resubscribing(_logger, string.Join(',', _subscription));
            }

            _consumer!.Subscribe(_subscription);
        }
    }

    private void Dispatch(ConsumeResult<byte[], byte[]> result)
    {
        if (!_partitions.TryGetValue(result.TopicPartition, out var tracker))
        {
            tracker = _partitions[result.TopicPartition] = new PartitionTracker(result.TopicPartition, _hardStop.Token);
        }

        var message = KafkaMessage.FromConsumeResult(result);
        ReceiverRegistration[] targets;
        switch (ClusterHeaders.Get(message, ClusterHeaders.Type))
        {
            case null:
                targets = Match(message);
                break;
            case ClusterHeaders.RequestType:
                targets = [_cluster.RequestReceiver];
                break;
            default:
                // Membership and replies: the cluster's own, handled here, never given to receivers.
                _cluster.HandleInline(message);
                tracker.Skip(result.Offset.Value);
                return;
        }

        if (targets.Length == 0)
        {
            tracker.Skip(result.Offset.Value);
            return;
        }

        var entry = tracker.Track(result.Offset.Value);
        Interlocked.Increment(ref _inFlight);
        DispatchLog.Dispatching(_logger, message.Topic, result.Partition.Value, result.Offset.Value, targets.Length);
        _scheduler!.Schedule(WorkKey.Of(message.Topic, result.Partition.Value, message.Key), new WorkItem(message, targets, tracker, entry));
    }

    private ReceiverRegistration[] Match(KafkaMessage message)
    {
        if (!_byTopic.TryGetValue(message.Topic, out var forTopic))
        {
            forTopic = _byTopic[message.Topic] = [.. _registry.Current.Where(r => !r.IsInternal && r.Filter.Matches(message.Topic, _topics))];
        }

        return Array.TrueForAll(forTopic, r => r.KeyFilter is null) ? forTopic : Array.FindAll(forTopic, r => r.MatchesKey(message.Key));
    }

    private async Task ProcessAsync(WorkItem work)
    {
        try
        {
            if (_stopping || work.Tracker.Revoked)
            {
                work.Tracker.Drop(); // not committed: read again after restart or by the partition's next owner
                return;
            }

            foreach (var registration in work.Targets)
            {
                await InvokeAsync(registration, work.Message, work.Tracker.Cancellation.Token).ConfigureAwait(false);
            }

            work.Tracker.Complete(work.Entry);
        }
        catch (OperationCanceledException)
        {
            work.Tracker.Drop();
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private async Task InvokeAsync(ReceiverRegistration registration, KafkaMessage message, CancellationToken cancellationToken)
    {
        var attempts = registration.IsInternal ? 1 : _options.Dispatch.MaxRetries + 1;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                if (registration.Instance is { } receiver)
                {
                    await receiver.ReceiveAsync(message, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    var scope = _services.CreateAsyncScope();
                    await using (scope.ConfigureAwait(false))
                    {
                        var scoped = (IKafkaMessageReceiver)scope.ServiceProvider.GetRequiredService(registration.PerMessageType!);
                        await scoped.ReceiveAsync(message, cancellationToken).ConfigureAwait(false);
                    }
                }

                _metrics.Consumed(message.Topic);
                return;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception e)
            {
                _metrics.CallbackFailed("receiver");
                if (attempt >= attempts)
                {
                    if (!registration.IsInternal)
                    {
                        await DeadLetterAsync(registration, message, e, attempt, cancellationToken).ConfigureAwait(false);
                    }

                    return;
                }

                var delay = Backoff(attempt);
                DispatchLog.ReceiverFailed(_logger, e, registration.Name, message.Topic, message.Partition ?? -1, message.Offset ?? -1, attempt, attempts, delay);
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task DeadLetterAsync(ReceiverRegistration registration, KafkaMessage message, Exception error, int attempts, CancellationToken cancellationToken)
    {
        var topic = message.Topic + _options.Dispatch.DeadLetterTopicSuffix;
        DispatchLog.DeadLettering(_logger, error, registration.Name, message.Topic, message.Partition ?? -1, message.Offset ?? -1, attempts, topic);
        var headers = new Headers();
        if (message.HasHeaders)
        {
            foreach (var header in message.Headers)
            {
                headers.Add(header.Key, header.GetValueBytes());
            }
        }

        var text = error.Message.Length > 1000 ? error.Message[..1000] : error.Message;
        headers.Add(DeadLetterHeaders.Receiver, Encoding.UTF8.GetBytes(registration.Name));
        headers.Add(DeadLetterHeaders.ExceptionType, Encoding.UTF8.GetBytes(error.GetType().FullName ?? error.GetType().Name));
        headers.Add(DeadLetterHeaders.ExceptionMessage, Encoding.UTF8.GetBytes(text));
        headers.Add(DeadLetterHeaders.OriginalTopic, Encoding.UTF8.GetBytes(message.Topic));
        headers.Add(DeadLetterHeaders.OriginalPartition, Encoding.UTF8.GetBytes((message.Partition ?? -1).ToString(CultureInfo.InvariantCulture)));
        headers.Add(DeadLetterHeaders.OriginalOffset, Encoding.UTF8.GetBytes((message.Offset ?? -1).ToString(CultureInfo.InvariantCulture)));
        headers.Add(DeadLetterHeaders.OriginalTimestamp, Encoding.UTF8.GetBytes((message.Timestamp?.ToUnixTimeMilliseconds() ?? -1).ToString(CultureInfo.InvariantCulture)));
        headers.Add(DeadLetterHeaders.Attempts, Encoding.UTF8.GetBytes(attempts.ToString(CultureInfo.InvariantCulture)));
        var deadLetter = new KafkaMessage(topic, message.Key, message.Value) { Headers = headers };

        for (var retry = 1; ; retry++)
        {
            try
            {
                await _api.ProduceAsync(deadLetter, cancellationToken).ConfigureAwait(false);
                DispatchLog.DeadLettered(_logger, message.Topic, message.Partition ?? -1, message.Offset ?? -1, topic);
                return;
            }
            catch (KafkaProduceException e)
            {
                // Never skip silently: the message stays uncommitted until the dead-letter write succeeds or the node stops.
                DispatchLog.DeadLetterFailed(_logger, message.Topic, message.Partition ?? -1, message.Offset ?? -1, topic, e.Message);
                await Task.Delay(Backoff(retry), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private TimeSpan Backoff(int attempt)
    {
        var delay = _options.Dispatch.RetryBackoff * Math.Pow(2, Math.Min(attempt - 1, 16));
        return delay < _options.Dispatch.MaxRetryBackoff ? delay : _options.Dispatch.MaxRetryBackoff;
    }

    private void FlowControl(IConsumer<byte[], byte[]> consumer)
    {
        var inFlight = Volatile.Read(ref _inFlight);
        if (!_paused && inFlight >= _options.Dispatch.MaxInFlight)
        {
            var assignment = consumer.Assignment;
            consumer.Pause(assignment);
            _paused = true;
            DispatchLog.Paused(_logger, assignment.Count, inFlight);
        }
        else if (_paused && inFlight <= _options.Dispatch.MaxInFlight / 2)
        {
            var assignment = consumer.Assignment;
            consumer.Resume(assignment);
            _paused = false;
            DispatchLog.Resumed(_logger, assignment.Count);
        }
    }

    private IEnumerable<TopicPartitionOffset> OnAssigned(IConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions)
    {
        foreach (var partition in partitions)
        {
            _partitions[partition] = new PartitionTracker(partition, _hardStop.Token);
        }

        _paused = false; // a new assignment starts unpaused; FlowControl pauses it again if work is still piled up
        var start = StartOffsets(consumer, partitions);
        Commit(consumer, partitions.Select(p => _partitions[p])); // the start offsets resolved from the end, if any
        DispatchLog.Assigned(_logger, string.Join(',', partitions));
        var topics = _topics!;
        if (!_ready && partitions.Any(p => p.Topic == topics.Node) && partitions.Any(p => p.Topic == topics.Broadcast))
        {
            _ready = true;
            _cluster.OnSubscribed();
        }

        return start;
    }

    /// <summary>
    /// Where each partition starts: the group's committed offset, else (unless the configuration
    /// asks for earliest) the current end, resolved now so that every message sent after the node
    /// is ready arrives, and a new node does not replay the layer's history.
    /// </summary>
    private List<TopicPartitionOffset> StartOffsets(IConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions)
    {
        if (_clients.CreateConsumerConfig(null).AutoOffsetReset == AutoOffsetReset.Earliest)
        {
            return [.. partitions.Select(p => new TopicPartitionOffset(p, Offset.Unset))];
        }

        var timeout = TimeSpan.FromSeconds(10);
        try
        {
            var start = new List<TopicPartitionOffset>(partitions.Count);
            foreach (var committed in consumer.Committed(partitions, timeout))
            {
                if (committed.Offset != Offset.Unset)
                {
                    start.Add(committed);
                    continue;
                }

                var end = consumer.QueryWatermarkOffsets(committed.TopicPartition, timeout).High;
                _partitions[committed.TopicPartition].StartAt(end);
                start.Add(new TopicPartitionOffset(committed.TopicPartition, end));
            }

            return start;
        }
        catch (KafkaException e)
        {
            DispatchLog.ConsumeError(_logger, e.Error.Code, "resolving start offsets: " + e.Error.Reason);
            return [.. partitions.Select(p => new TopicPartitionOffset(p, Offset.Unset))];
        }
    }

    private void OnRevoked(IConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions, bool commit)
    {
        var trackers = new List<PartitionTracker>(partitions.Count);
        foreach (var partition in partitions)
        {
            if (_partitions.Remove(partition, out var tracker))
            {
                tracker.Revoke();
                trackers.Add(tracker);
            }
        }

        // Let work already running finish (bounded), so that what is done gets committed.
        var timeout = commit && !_closing ? _options.Dispatch.RevocationTimeout : TimeSpan.Zero;
        SpinWait.SpinUntil(() => trackers.TrueForAll(t => t.Outstanding == 0), timeout);
        var abandoned = 0;
        foreach (var tracker in trackers.Where(t => t.Outstanding > 0))
        {
            abandoned += tracker.Outstanding;
            tracker.Cancellation.Cancel();
        }

        if (commit)
        {
            Commit(consumer, trackers);
        }

        DispatchLog.Revoked(_logger, string.Join(',', partitions), abandoned, timeout);
    }

    private void Commit(IConsumer<byte[], byte[]> consumer, IEnumerable<PartitionTracker> trackers)
    {
        var offsets = new List<(PartitionTracker Tracker, TopicPartitionOffset Offset)>();
        foreach (var tracker in trackers)
        {
            if (tracker.TakeCommit() is { } offset)
            {
                offsets.Add((tracker, offset));
            }
        }

        if (offsets.Count == 0)
        {
            return;
        }

        try
        {
            consumer.Commit(offsets.Select(o => o.Offset));
            foreach (var (tracker, offset) in offsets)
            {
                tracker.Committed(offset.Offset.Value);
            }
        }
        catch (KafkaException e)
        {
            DispatchLog.CommitFailed(_logger, e.Error.Reason);
        }
    }

    private void Shutdown()
    {
        _stopping = true;
        // Work already running gets ShutdownTimeout to finish; then its token fires and it is abandoned.
        if (!SpinWait.SpinUntil(() => InFlight == 0, _options.ShutdownTimeout))
        {
            DispatchLog.StopTimedOut(_logger, InFlight, _options.ShutdownTimeout);
            _hardStop.Cancel();
            SpinWait.SpinUntil(() => InFlight == 0, TimeSpan.FromSeconds(1));
        }

        if (_consumer is { } consumer)
        {
            _closing = true;
            try
            {
                Commit(consumer, _partitions.Values);
                consumer.Close();
            }
            catch (KafkaException e)
            {
                DispatchLog.CommitFailed(_logger, e.Error.Reason);
            }
            finally
            {
                consumer.Dispose();
            }
        }

        DispatchLog.Stopped(_logger);
        _stopped.TrySetResult();
    }

    private void ProvisionSystemTopics(KafkaClusterTopicNames topics)
    {
        var partitions = _options.System.MaxConsumerThreads;
        foreach (var topic in new[] { topics.Broadcast, topics.Node })
        {
            var result = _provisioner.EnsureTopicAsync(topic, partitions, _options.System.ReplicationFactor, _stopPolling.Token).GetAwaiter().GetResult();
            switch (result.Outcome)
            {
                case TopicProvisionOutcome.Created:
                    DispatchLog.TopicProvisioned(_logger, topic, "created");
                    break;
                case TopicProvisionOutcome.AlreadyExists when result.ExistingPartitions is { } existing && existing != partitions:
                    DispatchLog.PartitionMismatch(_logger, topic, existing, partitions);
                    break;
                case TopicProvisionOutcome.AlreadyExists:
                    DispatchLog.TopicProvisioned(_logger, topic, "already exists");
                    break;
                default:
                    DispatchLog.TopicCreationFailed(_logger, topic, result.Error ?? "unknown");
                    break;
            }
        }
    }

    private sealed record WorkItem(KafkaMessage Message, ReceiverRegistration[] Targets, PartitionTracker Tracker, PartitionTracker.Entry Entry);
}
