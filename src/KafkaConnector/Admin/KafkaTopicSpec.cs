namespace KafkaConnector.Admin;

/// <summary>A topic to create: name, partitions, replication and topic-level configuration.</summary>
public sealed record KafkaTopicSpec
{
    /// <summary>Describes a topic named <paramref name="name"/>.</summary>
    /// <param name="name">The topic name (letters, digits, '.', '_' and '-', at most 249 characters).</param>
    public KafkaTopicSpec(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
    }

    /// <summary>The topic name.</summary>
    public string Name { get; }

    /// <summary>Number of partitions, or null for the broker's <c>num.partitions</c>.</summary>
    public int? Partitions { get; init; }

    /// <summary>Replication factor, or null for the broker's <c>default.replication.factor</c>.</summary>
    public short? ReplicationFactor { get; init; }

    /// <summary>Topic-level configuration such as <c>cleanup.policy</c> or <c>retention.ms</c>.</summary>
    public IReadOnlyDictionary<string, string> Configs { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);
}
