using Confluent.Kafka;

namespace KafkaConnector.Engine;

/// <summary>What flow control needs of a consumer: pause and resume partitions (a fake in unit tests).</summary>
internal interface IPartitionPauser
{
    void Pause(IReadOnlyList<TopicPartition> partitions);

    void Resume(IReadOnlyList<TopicPartition> partitions);
}

/// <summary>An <see cref="IConsumer{TKey, TValue}"/> as a <see cref="IPartitionPauser"/>.</summary>
internal sealed class ConsumerPauser(IConsumer<byte[], byte[]> consumer) : IPartitionPauser
{
    public void Pause(IReadOnlyList<TopicPartition> partitions) => consumer.Pause(partitions);

    public void Resume(IReadOnlyList<TopicPartition> partitions) => consumer.Resume(partitions);
}
