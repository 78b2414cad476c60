using Confluent.Kafka;
using Confluent.Kafka.Admin;
using KafkaConnector.EmbeddedKafka;
using KafkaConnector.Testing;

namespace KafkaConnector.Benchmarks.Infrastructure;

/// <summary>
/// The cluster the benchmarks run on: <c>KAFKA_BOOTSTRAP_SERVERS</c> when set, otherwise the
/// embedded broker (librdkafka's mock cluster) in this process. Every repetition gets fresh
/// topics, groups and layers from here, and gives its topics back afterwards so that the embedded
/// broker's memory (up to 5 MiB per partition) does not pile up over a run.
/// </summary>
internal sealed class BenchBroker : IAsyncDisposable
{
    private readonly KafkaTestCluster _cluster;
    private readonly Lazy<IAdminClient>? _admin;

    private BenchBroker(KafkaTestCluster cluster)
    {
        _cluster = cluster;
        if (!cluster.IsEmbedded)
        {
            _admin = new Lazy<IAdminClient>(() => new AdminClientBuilder(new AdminClientConfig { BootstrapServers = cluster.BootstrapServers }).Build());
        }
    }

    public string BootstrapServers => _cluster.BootstrapServers;

    public bool IsEmbedded => _cluster.IsEmbedded;

    public EmbeddedKafkaCluster? Embedded => _cluster.Embedded;

    public static BenchBroker Start() => new(KafkaTestCluster.Start());

    public string NewName(string hint) => _cluster.NewTopicName(hint);

    /// <summary>A layer name: short, since it becomes part of topic and group names.</summary>
    public static string NewLayer() => "b" + Guid.NewGuid().ToString("N")[..10];

    public async Task<string> CreateTopicAsync(string hint, int partitions, CancellationToken cancellationToken)
    {
        var name = NewName(hint);
        await _cluster.CreateTopicAsync(name, partitions, cancellationToken: cancellationToken);
        return name;
    }

    /// <summary>Deletes topics, best effort: a topic that is already gone is fine.</summary>
    public async Task DeleteTopicsAsync(params IEnumerable<string> topics)
    {
        var names = topics.ToList();
        if (_cluster.Embedded is { } embedded)
        {
            foreach (var name in names)
            {
                try
                {
                    embedded.DeleteTopic(name);
                }
                catch (KafkaException)
                {
                    // Never created (e.g. a node that did not start) or already deleted.
                }
            }

            return;
        }

        try
        {
            await _admin!.Value.DeleteTopicsAsync(names);
        }
        catch (DeleteTopicsException)
        {
            // Some did not exist.
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_admin is { IsValueCreated: true })
        {
            _admin.Value.Dispose();
        }

        await _cluster.DisposeAsync();
    }
}
