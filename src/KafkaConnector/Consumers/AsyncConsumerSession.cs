using Confluent.Kafka;
using KafkaConnector.Configuration;
using KafkaConnector.Diagnostics;
using KafkaConnector.Engine;
using Microsoft.Extensions.Logging;

namespace KafkaConnector.Consumers;

/// <summary>
/// One enumeration of an async stream: a <see cref="StreamConsumer"/> polling on its own thread into a
/// <see cref="StreamChannel"/>, which the loop reads. A message becomes committable when the loop moved
/// past it (<see cref="Passed"/>, called as it asks for the next one). The session ends when the loop
/// disposes it, when the connector shuts down (<see cref="CompleteAsync"/>) or on a terminal error; the
/// consumer then waits for the loop to let go of its message (at most the shutdown timeout), commits
/// and closes.
/// </summary>
internal sealed class AsyncConsumerSession : IStreamBuffer, IStreamSession, IAsyncDisposable
{
    private readonly KafkaClientFactory _clients;
    private readonly KafkaConnectorMetrics _metrics;
    private readonly ILogger _logger;
    private readonly StreamSettings _settings;
    private readonly IStreamSessionRegistry _registry;
    private readonly StreamChannel _channel = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly ManualResetEventSlim _readerDone = new();
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private StreamConsumer? _consumer;

    public AsyncConsumerSession(KafkaClientFactory clients, KafkaConnectorMetrics metrics, ILogger logger, StreamSettings settings, IStreamSessionRegistry registry)
    {
        _clients = clients;
        _metrics = metrics;
        _logger = logger;
        _settings = settings;
        _registry = registry;
    }

    public int MaxBuffered => _channel.Count.Max;

    int IStreamBuffer.Count => _channel.Count.Value;

    /// <summary>Creates the consumer and starts polling.</summary>
    /// <exception cref="InvalidOperationException">The consumer could not be created.</exception>
    public void Start()
    {
        _consumer = new StreamConsumer(_clients, _metrics, _logger, _settings, this, "stream.partitions", "kafka-stream-poll", _stop.Token);
        _consumer.Start();
        ConsumerLog.AsyncStreamStarted(_logger, _settings.Name, _settings.GroupId);
    }

    /// <inheritdoc cref="StreamChannel.ReadAsync"/>
    public ValueTask<StreamChannel.Item?> ReadAsync(CancellationToken cancellationToken) => _channel.ReadAsync(cancellationToken);

    /// <summary>The loop moved past <paramref name="item"/>: committable once every earlier message of its partition is.</summary>
    public void Passed(StreamChannel.Item item)
    {
        // A revocation while the loop held it committed the partition without it, and its tracker is
        // never committed again: the partition's next owner reads it again.
        item.Tracker.Complete(item.Entry);
        _metrics.Consumed(item.Result.Topic);
    }

    /// <summary>Ends the enumeration quietly (host shutdown) and waits for the consumer to close.</summary>
    public Task CompleteAsync()
    {
        Stop(error: null);
        return WaitClosedAsync().AsTask();
    }

    /// <summary>The loop is done: commits what it moved past and closes the consumer, waiting at most the shutdown timeout.</summary>
    public ValueTask DisposeAsync()
    {
        _readerDone.Set();
        Stop(error: null);
        return WaitClosedAsync();
    }

    void IStreamBuffer.Add(ConsumeResult<byte[], byte[]> result, PartitionTracker tracker) => _channel.Add(result, tracker);

    void IStreamBuffer.Fail(Exception error) => Stop(error);

    void IStreamBuffer.WaitForReader(TimeSpan timeout) => _readerDone.Wait(timeout);

    void IStreamBuffer.Closed()
    {
        ConsumerLog.AsyncStreamStopped(_logger, _settings.Name);
        _registry.Remove(this);
        _closed.TrySetResult();
    }

    private void Stop(Exception? error)
    {
        _channel.End(error);
        _stop.Cancel();
    }

    private async ValueTask WaitClosedAsync()
    {
        if (_consumer is null)
        {
            return; // never started
        }

        await _closed.Task.WaitAsync(_settings.StopTimeout).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (!_closed.Task.IsCompleted)
        {
            ConsumerLog.AsyncStreamStopTimedOut(_logger, _settings.Name, _settings.StopTimeout);
        }
    }
}
