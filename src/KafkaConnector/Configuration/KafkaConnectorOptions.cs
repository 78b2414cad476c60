namespace KafkaConnector.Configuration;

/// <summary>
/// Settings of the connector, bound from the <c>KafkaConnector</c> configuration section.
/// Native Kafka client properties (librdkafka names such as <c>bootstrap.servers</c>) go in
/// <see cref="All"/>, <see cref="Producer"/>, <see cref="Consumer"/> and <see cref="Admin"/>; a
/// key in a specific section wins over the same key in <see cref="All"/>. Every key and default is
/// listed in docs/configuration.md.
/// </summary>
public sealed class KafkaConnectorOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "KafkaConnector";

    /// <summary>Native properties for producers, consumers and admin clients alike.</summary>
    public IDictionary<string, string> All { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Native producer properties; win over <see cref="All"/>.</summary>
    public IDictionary<string, string> Producer { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Native consumer properties; win over <see cref="All"/>.</summary>
    public IDictionary<string, string> Consumer { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Native admin client properties; win over <see cref="All"/>.</summary>
    public IDictionary<string, string> Admin { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// The layer this node belongs to (e.g. <c>microservices</c>): names the layer's broadcast
    /// topic. Required for cluster features; letters, digits, '.', '_' and '-' only.
    /// </summary>
    public string? Layer { get; set; }

    /// <summary>This node's id, unique within the layer: names the node's own topic and consumer group. Required for cluster features.</summary>
    public string? NodeId { get; set; }

    /// <summary>Consumption of system topics and receivers' topics.</summary>
    public KafkaSystemOptions System { get; } = new();

    /// <summary>Reactive and async streams (<c>ConsumeReactive</c>, <c>ConsumeAsync</c>).</summary>
    public KafkaReactiveOptions Reactive { get; } = new();

    /// <summary>How receivers are called: retries, dead-lettering, in-flight bound, commits.</summary>
    public KafkaDispatchOptions Dispatch { get; } = new();

    /// <summary>Node coordination: membership and request/reply.</summary>
    public KafkaClusterOptions Cluster { get; } = new();

    /// <summary>
    /// How long host shutdown may spend flushing producers and closing consumers (default 10 s).
    /// What is still undelivered then is reported as failed, never dropped silently.
    /// </summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long host start waits for the brokers to answer before it fails, naming them (default
    /// zero: start does not wait, and the clients keep trying in the background). Set it where a
    /// node that cannot reach Kafka should not start at all.
    /// </summary>
    public TimeSpan StartupBrokerTimeout { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// How long a produce call waits for room when the client's local queue is full
    /// (<c>queue.buffering.max.messages</c>) before it reports <c>Local_QueueFull</c> (default 30 s).
    /// </summary>
    public TimeSpan ProduceQueueFullTimeout { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>Settings for system topics and receivers (the original's <c>system.*</c> keys).</summary>
public sealed class KafkaSystemOptions
{
    /// <summary>
    /// Number of partitions of the system topics and the dispatch parallelism (the original's
    /// <c>system.max.consumer.thread</c>, default 50).
    /// </summary>
    public int MaxConsumerThreads { get; set; } = 50;

    /// <summary>How long one poll of the system consumer waits for messages (the original's <c>system.consumer.poll.ms</c>, default 500 ms).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Prefix of system topic and group names (default <c>hyperiot_</c>, compatible with HyperIoT
    /// nodes): broadcast <c>&lt;prefix&gt;layer_&lt;layer&gt;</c>, node
    /// <c>&lt;prefix&gt;layer_&lt;layer&gt;_&lt;nodeId&gt;</c>, group <c>&lt;prefix&gt;&lt;layer&gt;_&lt;nodeId&gt;</c>.
    /// </summary>
    public string TopicPrefix { get; set; } = "hyperiot_";

    /// <summary>Replication factor of the system topics the node creates (default -1: the broker's <c>default.replication.factor</c>).</summary>
    public int ReplicationFactor { get; set; } = -1;
}

/// <summary>How the dispatcher calls receivers.</summary>
public sealed class KafkaDispatchOptions
{
    /// <summary>Retries after a receiver throws, before the message is dead-lettered (default 3).</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>Delay before the first retry; doubles each time up to <see cref="MaxRetryBackoff"/> (default 200 ms).</summary>
    public TimeSpan RetryBackoff { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Upper bound of the retry delay (default 5 s).</summary>
    public TimeSpan MaxRetryBackoff { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Suffix of dead-letter topics: a message of <c>orders</c> goes to <c>orders.DLT</c> (default <c>.DLT</c>).</summary>
    public string DeadLetterTopicSuffix { get; set; } = ".DLT";

    /// <summary>
    /// Messages read but not yet finished, across partitions (default 1000). At this bound the
    /// partitions are paused (the consumer keeps polling and stays in its group) and resumed at half.
    /// </summary>
    public int MaxInFlight { get; set; } = 1000;

    /// <summary>How often finished offsets are committed (default 1 s); also on revocation and stop.</summary>
    public TimeSpan CommitInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a revocation waits for in-flight work of the revoked partitions before abandoning it (default 10 s).</summary>
    public TimeSpan RevocationTimeout { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>Node coordination settings.</summary>
public sealed class KafkaClusterOptions
{
    /// <summary>How often a node announces itself on the broadcast topic (default 5 s).</summary>
    public TimeSpan AnnounceInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A node not heard of for this long has left (default 15 s).</summary>
    public TimeSpan MemberTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Default time a request waits for its reply (default 30 s).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long start-up waits for the system topics to be created (default 30 s).</summary>
    public TimeSpan TopicCreationTimeout { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>Settings for reactive and async streams (the original's <c>reactor.*</c> keys).</summary>
public sealed class KafkaReactiveOptions
{
    /// <summary>
    /// Consumers (each with its own poll thread) behind one group-subscribed reactive stream; the
    /// group splits the partitions among them (the original's <c>reactor.max.consumer.thread</c>,
    /// default 1). Streams on explicit partitions always use one.
    /// </summary>
    public int MaxConsumerThreads { get; set; } = 1;

    /// <summary>
    /// Messages buffered between the consumer and a slow observer or loop (default 1000). When it is
    /// full the partitions are paused (the consumer keeps polling, so it stays in its group) and
    /// resumed once half of it has drained.
    /// </summary>
    public int BufferSize { get; set; } = 1000;

    /// <summary>How often offsets of delivered (reactive) or passed (async) messages are committed (default 1 s); also committed on revocation and close.</summary>
    public TimeSpan CommitInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long one poll waits for messages (default 100 ms); bounds how fast a disposed stream stops polling.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(100);
}
