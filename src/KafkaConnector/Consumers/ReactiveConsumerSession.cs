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
/// One subscription to a reactive stream: its own consumers (<see cref="StreamConsumer"/>, each polling
/// on its own thread), a bounded buffer, and one delivery thread that calls the observer serially.
/// When the buffer is full the consumers pause their partitions and keep polling, so a slow observer
/// neither grows memory nor gets the consumer evicted from its group. A message is committable once
/// <c>OnNext</c> returned for it and for every earlier one of its partition, and the watermarks are
/// committed periodically, on revocation and on close (at-least-once).
/// </summary>
internal sealed class ReactiveConsumerSession : IStreamBuffer, IStreamSession, IDisposable
{
    private readonly KafkaClientFactory _clients;
    private readonly KafkaConnectorMetrics _metrics;
    private readonly ILogger _logger;
    private readonly IObserver<KafkaMessage> _observer;
    private readonly StreamSettings _settings;
    private readonly int _consumers;
    private readonly Action<ReactiveConsumerSession> _onStopped;
    private readonly BlockingCollection<Buffered> _buffer = new(new ConcurrentQueue<Buffered>());
    private readonly BufferCount _count = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly ManualResetEventSlim _deliveryDone = new();
    private readonly List<StreamConsumer> _workers = [];
    private Thread? _deliveryThread;
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
        StreamSettings settings,
        int consumers,
        Action<ReactiveConsumerSession> onStopped)
    {
        _clients = clients;
        _metrics = metrics;
        _logger = logger;
        _observer = observer;
        _settings = settings;
        _consumers = settings.Subscription.UsesGroup ? consumers : 1;
        _onStopped = onStopped;
    }

    public int MaxBuffered => _count.Max;

    int IStreamBuffer.Count => _count.Value;

    internal void Start()
    {
        try
        {
            for (var i = 0; i < _consumers; i++)
            {
                _workers.Add(new StreamConsumer(_clients, _metrics, _logger, _settings, this, "reactive.partitions", $"kafka-reactive-poll-{i}", _stop.Token));
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

        ConsumerLog.StreamStarted(_logger, _settings.Name, _consumers, _settings.GroupId);
    }

    /// <summary>Ends the stream with <c>OnCompleted</c> (host shutdown) and waits for it to stop.</summary>
    public Task CompleteAsync() => Task.Run(() =>
    {
        _complete = true;
        Dispose();
    });

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

        var timeout = _settings.StopTimeout;
        var watch = Stopwatch.StartNew();
        var stopped = _deliveryThread?.Join(timeout) ?? true;
        foreach (var worker in _workers)
        {
            stopped &= worker.Join(timeout - watch.Elapsed);
        }

        if (!stopped)
        {
            ConsumerLog.StopTimedOut(_logger, _settings.Name, timeout);
        }
    }

    void IStreamBuffer.Add(ConsumeResult<byte[], byte[]> result, PartitionTracker tracker)
    {
        var entry = tracker.Track(result.Offset.Value);
        _count.Increment();
        _buffer.Add(new Buffered(result, tracker, entry));
    }

    void IStreamBuffer.Fail(Exception error) => Fail(error);

    void IStreamBuffer.WaitForReader(TimeSpan timeout) => _deliveryDone.Wait(timeout);

    void IStreamBuffer.Closed()
    {
        if (Interlocked.Decrement(ref _running) == 0)
        {
            ConsumerLog.StreamStopped(_logger, _settings.Name);
            _onStopped(this);
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
                _count.Decrement();
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
                    ConsumerLog.ObserverThrew(_logger, e, _settings.Name);
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
            ConsumerLog.ObserverThrew(_logger, e, _settings.Name);
        }
    }

    /// <summary>A message waiting for the observer, with the tracker of the assignment it was read in.</summary>
    private readonly record struct Buffered(ConsumeResult<byte[], byte[]> Result, PartitionTracker Tracker, PartitionTracker.Entry Entry);
}
