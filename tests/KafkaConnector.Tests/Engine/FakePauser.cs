using Confluent.Kafka;
using KafkaConnector.Engine;

namespace KafkaConnector.Tests.Engine;

/// <summary>An <see cref="IPartitionPauser"/> that pauses like librdkafka (a pause holds until an explicit resume) and records every explicit resume.</summary>
internal sealed class FakePauser : IPartitionPauser
{
    public HashSet<TopicPartition> Paused { get; } = [];

    public List<TopicPartition> ExplicitlyResumed { get; } = [];

    public void Pause(IReadOnlyList<TopicPartition> partitions) => Paused.UnionWith(partitions);

    public void Resume(IReadOnlyList<TopicPartition> partitions)
    {
        Paused.ExceptWith(partitions);
        ExplicitlyResumed.AddRange(partitions);
    }
}
