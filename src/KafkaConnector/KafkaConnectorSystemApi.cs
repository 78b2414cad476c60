using System.Collections.Concurrent;
using Confluent.Kafka;
using KafkaConnector.Configuration;
using KafkaConnector.Consumers;
using KafkaConnector.Diagnostics;
using KafkaConnector.Messages;
using KafkaConnector.Producers;
using KafkaConnector.Receivers;
using Microsoft.Extensions.Logging;

namespace KafkaConnector;

/// <inheritdoc cref="IKafkaConnectorSystemApi"/>
internal sealed class KafkaConnectorSystemApi : IKafkaConnectorSystemApi, IAsyncDisposable, IDisposable, IStreamSessionRegistry
{
    /// <summary>Beyond the shutdown timeout: serving purged messages' reports and closing the clients.</summary>
    private static readonly TimeSpan DisposeMargin = TimeSpan.FromSeconds(5);

    private readonly KafkaClientFactory _clients;
    private readonly KafkaConnectorMetrics _metrics;
    private readonly ILogger _logger;
    private readonly ILogger _consumerLogger;
    private readonly MessageSender _sender;
    private readonly Lazy<IProducer<byte[], byte[]>> _sharedProducer;
    private readonly ConcurrentDictionary<IStreamSession, byte> _sessions = new();
    private readonly Lock _lifecycle = new();
    private Task? _shutdown;

    private readonly IKafkaReceiverRegistry _receivers;

    public KafkaConnectorSystemApi(KafkaClientFactory clients, KafkaConnectorMetrics metrics, ILoggerFactory loggerFactory, IKafkaReceiverRegistry receivers)
    {
        _receivers = receivers;
        _clients = clients;
        _metrics = metrics;
        _logger = loggerFactory.CreateLogger("KafkaConnector.Producer");
        _consumerLogger = loggerFactory.CreateLogger("KafkaConnector.Consumer");
        _sender = new MessageSender(_logger, metrics, clients.Options.ProduceQueueFullTimeout);
        _sharedProducer = new Lazy<IProducer<byte[], byte[]>>(() => _clients.CreateProducer(), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    internal KafkaClientFactory Clients => _clients;

    internal KafkaConnectorMetrics Metrics => _metrics;

    internal ICollection<IStreamSession> OpenSessions => _sessions.Keys;

    public void Enqueue(KafkaMessage message) => _sender.Send(SharedProducer(), message, callback: null);

    public void Enqueue(KafkaMessage message, Action<KafkaDeliveryResult> callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        _sender.Send(SharedProducer(), message, callback);
    }

    public void Enqueue(KafkaMessage message, IProducer<byte[], byte[]> producer, Action<KafkaDeliveryResult>? callback)
    {
        ArgumentNullException.ThrowIfNull(producer);
        ThrowIfDisposed();
        _sender.Send(producer, message, callback);
    }

    public Task<KafkaDeliveryResult> ProduceAsync(KafkaMessage message, CancellationToken cancellationToken = default) =>
        _sender.SendAsync(SharedProducer(), message, cancellationToken);

    public IProducer<byte[], byte[]> CreateProducer(string? clientId = null)
    {
        ThrowIfDisposed();
        return _clients.CreateProducer(clientId);
    }

    public IKafkaProducerPool CreateProducerPool(int size)
    {
        if (size is < 1 or > KafkaProducerPool.MaxSize)
        {
            throw new ArgumentOutOfRangeException(nameof(size), size,
                $"A producer pool holds 1 to {KafkaProducerPool.MaxSize} producers; each runs librdkafka threads of its own (about four, plus one per broker), so past a few per core more only cost memory and threads.");
        }

        ThrowIfDisposed();
        var producers = new List<IProducer<byte[], byte[]>>(size);
        try
        {
            for (var i = 0; i < size; i++)
            {
                producers.Add(_clients.CreateProducer(clientId: $"{_clients.CreateProducerConfig().ClientId ?? "kafkaconnector"}-pool-{i}"));
            }
        }
        catch
        {
            producers.ForEach(p => p.Dispose());
            throw;
        }

        return new KafkaProducerPool([.. producers], _sender, _clients.Options.ShutdownTimeout, _logger, _metrics);
    }

    public IConsumer<byte[], byte[]> CreateConsumer(string groupId, IReadOnlyDictionary<string, string>? properties = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(groupId);
        ThrowIfDisposed();
        return _clients.CreateConsumer(groupId, properties);
    }

    public IObservable<KafkaMessage> ConsumeReactive(string? groupId, KafkaSubscription subscription, KafkaReactiveConsumeOptions? options = null)
    {
        options ??= new KafkaReactiveConsumeOptions();
        var settings = StreamSettings.For(_clients.Options, groupId, subscription, options);
        ThrowIfDisposed();
        return new ReactiveKafkaStream(_clients, _metrics, _consumerLogger, settings, options.ConsumerCount ?? _clients.Options.Reactive.MaxConsumerThreads, this);
    }

    public IAsyncEnumerable<KafkaMessage> ConsumeAsync(string? groupId, KafkaSubscription subscription, KafkaConsumeStreamOptions? options = null, CancellationToken cancellationToken = default)
    {
        var settings = StreamSettings.For(_clients.Options, groupId, subscription, options ?? new KafkaConsumeStreamOptions());
        ThrowIfDisposed();
        return new AsyncKafkaStream(_clients, _metrics, _consumerLogger, settings, this).EnumerateAsync(cancellationToken);
    }

    public IDisposable RegisterReceiver(IKafkaMessageReceiver receiver, string topicFilter, string? keyFilter = null, Action<KafkaReceiverOptions>? configure = null)
    {
        ThrowIfDisposed();
        return _receivers.Register(receiver, topicFilter, keyFilter, configure);
    }

    public IDisposable RegisterBatchReceiver(IKafkaBatchReceiver receiver, string topicFilter, int maxMessages = 100, TimeSpan? maxWait = null, Action<KafkaReceiverOptions>? configure = null)
    {
        ThrowIfDisposed();
        return _receivers.RegisterBatch(receiver, topicFilter, maxMessages, maxWait, configure);
    }

    bool IStreamSessionRegistry.TryAdd(IStreamSession session)
    {
        lock (_lifecycle)
        {
            return _shutdown is null && _sessions.TryAdd(session, 0);
        }
    }

    void IStreamSessionRegistry.Remove(IStreamSession session) => _sessions.TryRemove(session, out _);

    /// <summary>
    /// Completes every open stream and flushes the shared producer, each within the shutdown
    /// timeout. Idempotent; later calls await the first.
    /// </summary>
    public Task ShutdownAsync() => ShutdownAsync(_clients.Options.ShutdownTimeout);

    /// <summary>Completes the streams and flushes the shared producer within <paramref name="flushTimeout"/>; runs once.</summary>
    internal Task ShutdownAsync(TimeSpan flushTimeout)
    {
        lock (_lifecycle)
        {
            return _shutdown ??= RunShutdownAsync(flushTimeout);
        }
    }

    public async ValueTask DisposeAsync() => await ShutdownAsync().ConfigureAwait(false);

    /// <summary>
    /// The shutdown of <see cref="DisposeAsync"/>, for a container disposed synchronously
    /// (<c>using var provider = services.BuildServiceProvider()</c>); waits for it at most the
    /// shutdown timeout plus a margin, then leaves it to finish in the background.
    /// </summary>
    public void Dispose()
    {
        var shutdown = ShutdownAsync();
        var bound = _clients.Options.ShutdownTimeout + DisposeMargin;
        if (Task.WaitAny([shutdown], bound) < 0)
        {
            ProducerLog.DisposeTimedOut(_logger, bound);
            return;
        }

        shutdown.GetAwaiter().GetResult(); // a failure surfaces as it would from DisposeAsync
    }

    private async Task RunShutdownAsync(TimeSpan flushTimeout)
    {
        var streams = _sessions.Keys.Select(s => s.CompleteAsync());
        var producer = _sharedProducer.IsValueCreated
            ? ProducerShutdown.FlushAndDisposeAsync(_sharedProducer.Value, flushTimeout, _logger, _metrics)
            : Task.CompletedTask;
        await Task.WhenAll([.. streams, producer]).ConfigureAwait(false);
    }

    private IProducer<byte[], byte[]> SharedProducer()
    {
        ThrowIfDisposed();
        return _sharedProducer.Value;
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _shutdown) is not null, this);
}
