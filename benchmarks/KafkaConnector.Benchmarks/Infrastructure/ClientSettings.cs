using System.Globalization;
using Confluent.Kafka;
using KafkaConnector.Configuration;
using Microsoft.Extensions.Configuration;

namespace KafkaConnector.Benchmarks.Infrastructure;

/// <summary>
/// The client properties both sides of every comparison use. The connector's producer defaults
/// (acks=all, enable.idempotence=true, linger.ms=5) are set explicitly on the raw producer and on
/// the connector alike, and so are the consumer properties (fetch.queue.backoff.ms=10, the
/// connector's default, and short group timings on the embedded broker).
/// </summary>
internal sealed class ClientSettings(BenchBroker broker, IReadOnlyDictionary<string, string?> overrides, bool nodeLogs)
{
    /// <summary>The connector's default <c>linger.ms</c>.</summary>
    public const int DefaultLingerMs = 5;

    public BenchBroker Broker => broker;

    /// <summary>Whether nodes log to the console at Debug level (<c>--node-logs</c>), for diagnosis only.</summary>
    public bool NodeLogs => nodeLogs;

    public static IReadOnlyDictionary<string, string> ProducerProperties(int lingerMs) => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["acks"] = "all",
        ["enable.idempotence"] = "true",
        ["linger.ms"] = lingerMs.ToString(CultureInfo.InvariantCulture),
    };

    /// <param name="fetchWaitMaxMs">
    /// <c>fetch.wait.max.ms</c>, or null for librdkafka's 500 ms. The embedded broker holds an empty
    /// fetch for this long even when data arrives meanwhile, so latency runs set it low on both sides.
    /// </param>
    public IReadOnlyDictionary<string, string> ConsumerProperties(int? fetchWaitMaxMs = null)
    {
        var properties = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["fetch.queue.backoff.ms"] = "10",
            ["session.timeout.ms"] = broker.IsEmbedded ? "2000" : "6000",
            ["heartbeat.interval.ms"] = broker.IsEmbedded ? "300" : "1000",
        };
        if (fetchWaitMaxMs is { } wait)
        {
            properties["fetch.wait.max.ms"] = wait.ToString(CultureInfo.InvariantCulture);
        }

        return properties;
    }

    public ProducerConfig RawProducer(int lingerMs = DefaultLingerMs) => new(new Dictionary<string, string>(ProducerProperties(lingerMs), StringComparer.Ordinal))
    {
        BootstrapServers = broker.BootstrapServers,
    };

    public ConsumerConfig RawConsumer(string groupId, AutoOffsetReset reset, int? fetchWaitMaxMs = null) => new(new Dictionary<string, string>(ConsumerProperties(fetchWaitMaxMs), StringComparer.Ordinal))
    {
        BootstrapServers = broker.BootstrapServers,
        GroupId = groupId,
        AutoOffsetReset = reset,
        EnableAutoCommit = false,
    };

    /// <summary>Puts the same properties into the connector's configuration.</summary>
    public void Apply(KafkaConnectorOptions options, int lingerMs = DefaultLingerMs, int? fetchWaitMaxMs = null)
    {
        options.All["bootstrap.servers"] = broker.BootstrapServers;
        foreach (var (key, value) in ProducerProperties(lingerMs))
        {
            options.Producer[key] = value;
        }

        foreach (var (key, value) in ConsumerProperties(fetchWaitMaxMs))
        {
            options.Consumer[key] = value;
        }
    }

    /// <summary>
    /// Applies the <c>--set</c> configuration keys (e.g. <c>KafkaConnector:Dispatch:MaxInFlight=20000</c>)
    /// last, on every connector of the run: for experiments that change the connector only.
    /// </summary>
    public void ApplyOverrides(KafkaConnectorOptions options)
    {
        if (overrides.Count > 0)
        {
            new ConfigurationBuilder().AddInMemoryCollection(overrides).Build().GetSection(KafkaConnectorOptions.SectionName).Bind(options);
        }
    }
}
