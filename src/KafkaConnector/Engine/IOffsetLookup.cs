using Confluent.Kafka;

namespace KafkaConnector.Engine;

/// <summary>What resolving start offsets needs of a consumer: the group's committed offsets and the partitions' offsets (a fake in unit tests).</summary>
internal interface IOffsetLookup
{
    /// <summary>The group's committed offset of each partition, <see cref="Offset.Unset"/> where it has none.</summary>
    List<TopicPartitionOffset> Committed(IEnumerable<TopicPartition> partitions, TimeSpan timeout);

    /// <summary>The partition's end: the offset the next message written to it gets.</summary>
    long End(TopicPartition partition, TimeSpan timeout);

    /// <summary>The first offset of each partition whose timestamp is at or after the one given; a negative offset where there is none.</summary>
    List<TopicPartitionOffset> OffsetsForTimes(IEnumerable<TopicPartitionTimestamp> timestamps, TimeSpan timeout);
}

/// <summary>An <see cref="IConsumer{TKey, TValue}"/> as an <see cref="IOffsetLookup"/>.</summary>
internal sealed class ConsumerOffsetLookup(IConsumer<byte[], byte[]> consumer) : IOffsetLookup
{
    public List<TopicPartitionOffset> Committed(IEnumerable<TopicPartition> partitions, TimeSpan timeout) => consumer.Committed(partitions, timeout);

    public long End(TopicPartition partition, TimeSpan timeout) => consumer.QueryWatermarkOffsets(partition, timeout).High.Value;

    public List<TopicPartitionOffset> OffsetsForTimes(IEnumerable<TopicPartitionTimestamp> timestamps, TimeSpan timeout) => consumer.OffsetsForTimes(timestamps, timeout);
}
