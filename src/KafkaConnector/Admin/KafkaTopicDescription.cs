namespace KafkaConnector.Admin;

/// <summary>A topic as the cluster describes it.</summary>
/// <param name="Name">The topic name.</param>
/// <param name="IsInternal">Whether Kafka owns the topic (e.g. <c>__consumer_offsets</c>).</param>
/// <param name="Partitions">The partitions, ordered by id.</param>
/// <param name="Configs">
/// The topic's configuration (sensitive values are null), or null when the broker does not serve
/// DescribeConfigs (the embedded test broker).
/// </param>
public sealed record KafkaTopicDescription(
    string Name,
    bool IsInternal,
    IReadOnlyList<KafkaPartitionDescription> Partitions,
    IReadOnlyDictionary<string, string?>? Configs);

/// <summary>One partition of a described topic.</summary>
/// <param name="Partition">The partition id.</param>
/// <param name="Leader">The leader's broker id, or null when the partition has no leader.</param>
/// <param name="Replicas">Broker ids of the replicas.</param>
/// <param name="InSyncReplicas">Broker ids of the replicas in sync with the leader.</param>
public sealed record KafkaPartitionDescription(int Partition, int? Leader, IReadOnlyList<int> Replicas, IReadOnlyList<int> InSyncReplicas);
