using Confluent.Kafka;
using KafkaConnector.Testing;

namespace KafkaConnector.Tests.Receivers;

/// <summary>Reads what a node's group committed, as the next run or owner of a partition would start from it.</summary>
internal static class CommittedOffsets
{
    /// <summary>The committed offset of each partition of <paramref name="topic"/> for node <paramref name="nodeId"/> of <paramref name="layer"/>; -1 where none.</summary>
    public static Dictionary<int, long> Read(KafkaTestCluster cluster, string layer, string nodeId, string topic, int partitions)
    {
        using var probe = new ConsumerBuilder<byte[], byte[]>(cluster.CreateConsumerConfig($"hyperiot_{layer}_{nodeId}")).Build();
        return probe.Committed(Enumerable.Range(0, partitions).Select(p => new TopicPartition(topic, p)), TimeSpan.FromSeconds(30))
            .ToDictionary(c => c.Partition.Value, c => c.Offset.Value < 0 ? -1 : c.Offset.Value);
    }
}
