using Confluent.Kafka;
using KafkaConnector.Diagnostics;
using KafkaConnector.Messages;
using Microsoft.Extensions.Logging;

namespace KafkaConnector.Producers;

/// <inheritdoc cref="IKafkaProducerPool"/>
internal sealed class KafkaProducerPool : IKafkaProducerPool
{
    /// <summary>The largest pool <c>CreateProducerPool</c> makes.</summary>
    internal const int MaxSize = 64;

    private readonly IProducer<byte[], byte[]>[] _producers;
    private readonly MessageSender _sender;
    private readonly TimeSpan _shutdownTimeout;
    private readonly ILogger _logger;
    private readonly KafkaConnectorMetrics _metrics;
    private int _next;
    private int _disposed;

    internal KafkaProducerPool(IProducer<byte[], byte[]>[] producers, MessageSender sender, TimeSpan shutdownTimeout, ILogger logger, KafkaConnectorMetrics metrics)
    {
        _metrics = metrics;
        _producers = producers;
        _sender = sender;
        _shutdownTimeout = shutdownTimeout;
        _logger = logger;
        ProducerLog.PoolCreated(logger, producers.Length);
    }

    public int Size => _producers.Length;

    public void Send(KafkaMessage message) => _sender.Send(Select(message), message, callback: null);

    public void Send(KafkaMessage message, Action<KafkaDeliveryResult> callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        _sender.Send(Select(message), message, callback);
    }

    public Task<KafkaDeliveryResult> SendAsync(KafkaMessage message, CancellationToken cancellationToken = default) =>
        _sender.SendAsync(Select(message), message, cancellationToken);

    /// <summary>The index of the producer that takes <paramref name="message"/>.</summary>
    internal int SelectIndex(KafkaMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Key is { } key)
        {
            // Same key, same producer, for the pool's lifetime: per-key order holds.
            var hash = new HashCode();
            hash.AddBytes(key);
            return (int)((uint)hash.ToHashCode() % (uint)_producers.Length);
        }

        // The slot is taken now, by the caller's thread; the cursor wraps at the pool size, so no
        // producer is used twice in a row when a counter would overflow.
        int current, next;
        do
        {
            current = Volatile.Read(ref _next);
            next = current + 1 == _producers.Length ? 0 : current + 1;
        }
        while (Interlocked.CompareExchange(ref _next, next, current) != current);

        return current;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await Task.WhenAll(_producers.Select(p => ProducerShutdown.FlushAndDisposeAsync(p, _shutdownTimeout, _logger, _metrics))).ConfigureAwait(false);
        ProducerLog.PoolClosed(_logger, _producers.Length);
    }

    private IProducer<byte[], byte[]> Select(KafkaMessage message)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        return _producers[SelectIndex(message)];
    }
}
