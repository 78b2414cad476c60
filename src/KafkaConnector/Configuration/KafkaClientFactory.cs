using Confluent.Kafka;
using KafkaConnector.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KafkaConnector.Configuration;

/// <summary>
/// Builds Kafka clients and their configurations: the connector's defaults, then <c>All</c>, then
/// the client's own section (<c>Producer</c>, <c>Consumer</c> or <c>Admin</c>), each later layer
/// winning key by key. Every client it builds logs through <see cref="ILogger"/>.
/// </summary>
internal sealed class KafkaClientFactory(IOptions<KafkaConnectorOptions> options, ILoggerFactory loggerFactory, KafkaConnectorMetrics metrics)
{
    /// <summary>
    /// librdkafka waits up to 10 s between reconnection attempts: a node then needs 3 to 9 s to
    /// resume after a short broker outage. 1 s brings that to about one second, at the cost of an
    /// attempt a second per broker while it is down (docs/architecture.md, "Recovery").
    /// </summary>
    internal const string ReconnectBackoffMaxMs = "1000";

    /// <summary>Producer defaults: no loss, no duplicates from retries, small batching delay, quick reconnection.</summary>
    internal static readonly IReadOnlyDictionary<string, string> ProducerDefaults = new Dictionary<string, string>
    {
        ["acks"] = "all",
        ["enable.idempotence"] = "true",
        ["linger.ms"] = "5",
        ["reconnect.backoff.max.ms"] = ReconnectBackoffMaxMs,
    };

    /// <summary>
    /// Consumer defaults: offsets are stored by the connector only after a message was handed to
    /// code and committed explicitly; a full fetch queue is re-checked after 10 ms, not librdkafka's 1 s.
    /// </summary>
    internal static readonly IReadOnlyDictionary<string, string> ConsumerDefaults = new Dictionary<string, string>
    {
        ["enable.auto.commit"] = "false",
        ["enable.auto.offset.store"] = "false",
        ["fetch.queue.backoff.ms"] = "10",
        ["reconnect.backoff.max.ms"] = ReconnectBackoffMaxMs,
    };

    private readonly KafkaConnectorOptions _options = options.Value;
    private readonly ILogger _logger = loggerFactory.CreateLogger("KafkaConnector.Client");

    /// <summary>A client that cannot reach its brokers repeats itself several times a second: once per 30 s is enough.</summary>
    private readonly RepeatedMessageFilter _repeats = new(TimeProvider.System, TimeSpan.FromSeconds(30));

    internal KafkaConnectorOptions Options => _options;

    /// <summary>A producer of raw bytes with the configured properties.</summary>
    /// <exception cref="InvalidOperationException">The client could not be created; the message says why.</exception>
    /// <param name="clientId">The <c>client.id</c>, or null for the configured one.</param>
    /// <param name="configure">Further builder settings.</param>
    /// <param name="overrides">Native properties that win over configuration (a transactional producer's <c>transactional.id</c>).</param>
    internal IProducer<byte[], byte[]> CreateProducer(
        string? clientId = null, Action<ProducerBuilder<byte[], byte[]>>? configure = null, IEnumerable<KeyValuePair<string, string>>? overrides = null)
    {
        var config = CreateProducerConfig(clientId);
        foreach (var (key, value) in overrides ?? [])
        {
            config.Set(key, value);
        }

        var scrubber = SecretScrubber.For(config);
        return Build("producer", config.ClientId, scrubber, () =>
        {
            var builder = new ProducerBuilder<byte[], byte[]>(config)
                .SetLogHandler((_, m) => ClientLog.Native(_logger, m, scrubber, _repeats))
                .SetErrorHandler((p, e) => ClientLog.Error(_logger, metrics, p.Name, e, scrubber, _repeats));
            configure?.Invoke(builder);
            return builder.Build();
        });
    }

    /// <summary>A consumer of raw bytes with the configured properties.</summary>
    /// <exception cref="InvalidOperationException">The client could not be created; the message says why.</exception>
    /// <param name="groupId">The group id, or null for a consumer that only reads assigned partitions.</param>
    /// <param name="overrides">Native properties that win over configuration.</param>
    /// <param name="configure">Further builder settings (rebalance handlers).</param>
    /// <param name="onError">Called after an error is logged and counted, e.g. to end a stream on a fatal one.</param>
    internal IConsumer<byte[], byte[]> CreateConsumer(
        string? groupId,
        IEnumerable<KeyValuePair<string, string>>? overrides = null,
        Action<ConsumerBuilder<byte[], byte[]>>? configure = null,
        Action<IConsumer<byte[], byte[]>, Error>? onError = null)
    {
        var config = CreateConsumerConfig(groupId, overrides);
        var scrubber = SecretScrubber.For(config);
        return Build("consumer", config.ClientId, scrubber, () =>
        {
            var builder = new ConsumerBuilder<byte[], byte[]>(config)
                .SetLogHandler((_, m) => ClientLog.Native(_logger, m, scrubber, _repeats))
                .SetErrorHandler((c, e) =>
                {
                    ClientLog.Error(_logger, metrics, c.Name, e, scrubber, _repeats);
                    onError?.Invoke(c, e);
                });
            configure?.Invoke(builder);
            return builder.Build();
        });
    }

    /// <summary>An admin client with the configured properties.</summary>
    /// <param name="overrides">Native properties that win over configuration for this client.</param>
    internal IAdminClient CreateAdminClient(IEnumerable<KeyValuePair<string, string>>? overrides = null)
    {
        var config = CreateAdminConfig();
        foreach (var (key, value) in overrides ?? [])
        {
            config.Set(key, value);
        }

        var scrubber = SecretScrubber.For(config);
        return Build("admin client", null, scrubber, () => new AdminClientBuilder(config)
            .SetLogHandler((_, m) => ClientLog.Native(_logger, m, scrubber, _repeats))
            .SetErrorHandler((c, e) => ClientLog.Error(_logger, metrics, c.Name, e, scrubber, _repeats))
            .Build());
    }

    private static T Build<T>(string kind, string? clientId, SecretScrubber scrubber, Func<T> build)
    {
        try
        {
            return build();
        }
        catch (Exception e) when (e is KafkaException or ArgumentException or InvalidOperationException)
        {
            // The inner exception is librdkafka's text as it was: not kept, it may quote a secret.
            throw new InvalidOperationException(scrubber.Scrub($"Could not create a Kafka {kind}{(clientId is null ? "" : $" '{clientId}'")}: {e.Message}"));
        }
    }

    internal ProducerConfig CreateProducerConfig(string? clientId = null)
    {
        var config = new ProducerConfig(Merge(ProducerDefaults, _options.All, _options.Producer));
        if (clientId is not null)
        {
            config.ClientId = clientId;
        }

        return config;
    }

    internal ConsumerConfig CreateConsumerConfig(string? groupId, IEnumerable<KeyValuePair<string, string>>? overrides = null)
    {
        var merged = Merge(ConsumerDefaults, _options.All, _options.Consumer);
        foreach (var (key, value) in overrides ?? [])
        {
            merged[NormalizeKey(key)] = value;
        }

        var config = new ConsumerConfig(merged);
        if (groupId is not null)
        {
            config.GroupId = groupId;
        }

        return config;
    }

    internal AdminClientConfig CreateAdminConfig() =>
        new(Merge(new Dictionary<string, string> { ["reconnect.backoff.max.ms"] = ReconnectBackoffMaxMs }, _options.All, _options.Admin));

    /// <summary>
    /// Environment variables cannot carry dots in every shell, so <c>linger_ms</c> means
    /// <c>linger.ms</c>. A few librdkafka properties are spelt with an underscore
    /// (<c>log_level</c>), so a key librdkafka knows is kept as written; only an unknown one is
    /// read with dots.
    /// </summary>
    internal static string NormalizeKey(string key) =>
        !key.Contains('_', StringComparison.Ordinal) || NativeConfigProbe.IsKnown(key) ? key : key.Replace('_', '.');

    internal static Dictionary<string, string> Merge(IReadOnlyDictionary<string, string> defaults, params IEnumerable<KeyValuePair<string, string>>[] layers)
    {
        var merged = new Dictionary<string, string>(defaults, StringComparer.Ordinal);
        foreach (var layer in layers)
        {
            // Sorted, so that two spellings of one key (linger_ms, linger.ms) resolve the same way every time.
            foreach (var (key, value) in layer.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                merged[NormalizeKey(key)] = value;
            }
        }

        return merged;
    }
}
