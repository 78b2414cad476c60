using Confluent.Kafka;
using Confluent.Kafka.Admin;
using KafkaConnector.EmbeddedKafka;
using KafkaConnector.Testing.Internal;

namespace KafkaConnector.Testing;

/// <summary>
/// The Kafka cluster an integration test runs against, chosen by <c>KAFKA_TEST_BROKER</c>
/// (<see cref="KafkaTestBrokerMode"/>): a fresh <see cref="EmbeddedKafkaCluster"/> by default, the
/// cluster named by <c>KAFKA_BOOTSTRAP_SERVERS</c> when that is set, or a real Apache Kafka in a
/// container (<c>KAFKA_TEST_BROKER=testcontainers</c>). It hands out topic names and group ids
/// unique to this process so that tests running side by side never see each other's messages.
/// </summary>
public sealed class KafkaTestCluster : IAsyncDisposable
{
    /// <summary>The environment variable that points tests at an external cluster.</summary>
    public const string BootstrapServersVariable = BrokerModeSelection.BootstrapServersVariable;

    /// <summary>The environment variable that chooses the broker: <c>embedded</c>, <c>external</c> or <c>testcontainers</c>.</summary>
    public const string BrokerModeVariable = BrokerModeSelection.ModeVariable;

    private static long s_sequence;
    private readonly string _runId = Guid.NewGuid().ToString("N")[..8];
    private readonly Lazy<IAdminClient>? _admin;

    private readonly bool _ownsEmbedded = true;
    private readonly IAsyncDisposable? _container;

    private KafkaTestCluster(string bootstrapServers, EmbeddedKafkaCluster? embedded, bool ownsEmbedded = true)
        : this(embedded is null ? KafkaTestBrokerMode.External : KafkaTestBrokerMode.Embedded, bootstrapServers, embedded)
    {
        _ownsEmbedded = ownsEmbedded;
    }

    private KafkaTestCluster(KafkaTestBrokerMode mode, string bootstrapServers, EmbeddedKafkaCluster? embedded, IAsyncDisposable? container = null)
    {
        Mode = mode;
        BootstrapServers = bootstrapServers;
        Embedded = embedded;
        _container = container;
        if (embedded is null)
        {
            _admin = new Lazy<IAdminClient>(() => new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrapServers }).Build());
        }
    }

    /// <summary>Which broker the tests run against.</summary>
    public KafkaTestBrokerMode Mode { get; }

    /// <summary>The <c>bootstrap.servers</c> value for clients.</summary>
    public string BootstrapServers { get; }

    /// <summary>The embedded cluster, or null when the tests run against an external one.</summary>
    public EmbeddedKafkaCluster? Embedded { get; }

    /// <summary>Whether the tests run against the embedded broker.</summary>
    public bool IsEmbedded => Embedded is not null;

    /// <summary>
    /// Starts the broker <c>KAFKA_TEST_BROKER</c> chooses: unset, the cluster of
    /// <c>KAFKA_BOOTSTRAP_SERVERS</c> when that is set, else an embedded cluster of
    /// <paramref name="embeddedBrokers"/> brokers; <c>testcontainers</c>, a Kafka container.
    /// </summary>
    /// <exception cref="ArgumentException">A variable has a value that names no mode; the message names it and the allowed values.</exception>
    /// <exception cref="InvalidOperationException">The container mode finds no Docker engine (within about 2 s); the message says what was tried.</exception>
    public static KafkaTestCluster Start(int embeddedBrokers = 1) => StartAsync(embeddedBrokers).GetAwaiter().GetResult();

    /// <inheritdoc cref="Start"/>
    public static async Task<KafkaTestCluster> StartAsync(int embeddedBrokers = 1, CancellationToken cancellationToken = default)
    {
        var (mode, external) = BrokerModeSelection.Select(
            Environment.GetEnvironmentVariable(BrokerModeVariable), Environment.GetEnvironmentVariable(BootstrapServersVariable));
        switch (mode)
        {
            case KafkaTestBrokerMode.External:
                return new KafkaTestCluster(mode, external!, embedded: null);
            case KafkaTestBrokerMode.Testcontainers:
                var container = await KafkaContainerBroker.StartAsync(cancellationToken).ConfigureAwait(false);
                return new KafkaTestCluster(mode, container.GetBootstrapAddress(), embedded: null, container);
            default:
                var embedded = EmbeddedKafkaCluster.Start(embeddedBrokers);
                return new KafkaTestCluster(mode, embedded.BootstrapServers, embedded);
        }
    }

    /// <summary>
    /// Wraps an embedded cluster the caller started (e.g. one a test takes down on purpose). The
    /// caller keeps owning it: disposing the wrapper leaves it running.
    /// </summary>
    public static KafkaTestCluster ForEmbedded(EmbeddedKafkaCluster cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        return new KafkaTestCluster(cluster.BootstrapServers, cluster, ownsEmbedded: false);
    }

    /// <summary>A topic name no other test in this run uses, e.g. <c>orders-1a2b3c4d-17</c>.</summary>
    public string NewTopicName(string hint = "test") => $"{Sanitize(hint)}-{_runId}-{Interlocked.Increment(ref s_sequence)}";

    /// <summary>A consumer group id no other test in this run uses.</summary>
    public string NewGroupId(string hint = "group") => $"{Sanitize(hint)}-{_runId}-{Interlocked.Increment(ref s_sequence)}";

    /// <summary>
    /// Creates a topic and returns once it exists: through the embedded broker's own API, or
    /// through the admin API on an external cluster (replication 1 there unless told otherwise).
    /// </summary>
    public async Task CreateTopicAsync(string name, int partitions = 1, int replicationFactor = 1, CancellationToken cancellationToken = default)
    {
        if (Embedded is not null)
        {
            Embedded.CreateTopic(name, partitions, replicationFactor);
            return;
        }

        await _admin!.Value.CreateTopicsAsync(
            [new TopicSpecification { Name = name, NumPartitions = partitions, ReplicationFactor = (short)replicationFactor }]).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Creates a topic with a fresh unique name and returns the name.</summary>
    public async Task<string> CreateNewTopicAsync(string hint = "test", int partitions = 1, CancellationToken cancellationToken = default)
    {
        var name = NewTopicName(hint);
        await CreateTopicAsync(name, partitions, cancellationToken: cancellationToken).ConfigureAwait(false);
        return name;
    }

    /// <summary>
    /// Producer settings for tests: acknowledged by all replicas, short linger.
    /// </summary>
    public ProducerConfig CreateProducerConfig() => new()
    {
        BootstrapServers = BootstrapServers,
        Acks = Acks.All,
        LingerMs = 5,
    };

    /// <summary>
    /// Consumer settings for tests: read from the earliest offset, no automatic commit, fast
    /// fetches, and group timings short enough that joins and leaves take about a second on the
    /// embedded broker (classic protocol waits <c>session.timeout.ms - 1000</c> per rebalance).
    /// External clusters keep the broker's minimum session timeout (6 s).
    /// </summary>
    public ConsumerConfig CreateConsumerConfig(string groupId) => new()
    {
        BootstrapServers = BootstrapServers,
        GroupId = groupId,
        AutoOffsetReset = AutoOffsetReset.Earliest,
        EnableAutoCommit = false,
        SessionTimeoutMs = IsEmbedded ? 2000 : 6000,
        HeartbeatIntervalMs = IsEmbedded ? 300 : 1000,
        FetchQueueBackoffMs = 10,
        TopicMetadataRefreshIntervalMs = 1000,
    };

    /// <summary>Disposes the admin client and the broker this instance started (embedded cluster or container).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_admin is { IsValueCreated: true })
        {
            _admin.Value.Dispose();
        }

        if (_container is not null)
        {
            await _container.DisposeAsync().ConfigureAwait(false);
        }

        if (Embedded is not null && _ownsEmbedded)
        {
            await Embedded.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static string Sanitize(string hint)
    {
        var chars = hint.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '-').ToArray();
        return chars.Length == 0 ? "t" : new string(chars);
    }
}
