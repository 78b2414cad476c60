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
/// memory nor gets the consumer evicted from its group. The consumers run the engine's
/// <see cref="PollLoop"/>, <see cref="ConsumerAssignment"/> and <see cref="FlowController"/>, like the
/// node's dispatcher: a message is committable once <c>OnNext</c> returned for it and for every earlier
/// one of its partition, and the watermarks are committed periodically, on revocation and on close
/// (at-least-once).
/// </summary>
internal sealed partial class ReactiveConsumerSession : IDisposable
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
                if (item.Tracker.Revoked)
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
                // Committable from now on. A revocation during OnNext already committed this partition
                // without it, and its tracker is never committed again: the next owner reads it again.
                item.Tracker.Complete(item.Entry);
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

    private void Enqueue(ConsumeResult<byte[], byte[]> result, PartitionTracker tracker)
    {
        var entry = tracker.Track(result.Offset.Value);
        var count = Interlocked.Increment(ref _buffered);
        InterlockedMax(ref _maxBuffered, count);
        _buffer.Add(new Buffered(result, tracker, entry));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while (value > (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }

    /// <summary>A message waiting for the observer, with the tracker of the assignment it was read in.</summary>
    private readonly record struct Buffered(ConsumeResult<byte[], byte[]> Result, PartitionTracker Tracker, PartitionTracker.Entry Entry);
}
