using Confluent.Kafka;

namespace KafkaConnector.Consumers;

/// <summary>Per-enumeration settings for <c>ConsumeAsync</c>; unset values come from <c>KafkaConnector:Reactive</c>.</summary>
public sealed class KafkaConsumeStreamOptions
{
    /// <summary>Called on the poll thread when partitions are assigned to the enumeration's consumer.</summary>
    public Action<IReadOnlyList<TopicPartition>>? OnPartitionsAssigned { get; init; }

    /// <summary>Called on the poll thread when partitions are taken away (after the offsets the loop moved past are committed).</summary>
    public Action<IReadOnlyList<TopicPartition>>? OnPartitionsRevoked { get; init; }

    /// <summary>
    /// Whether offsets of messages the loop moved past are committed (default true:
    /// at-least-once, the next enumeration in the group resumes after the last of them).
    /// </summary>
    public bool CommitOffsets { get; init; } = true;

    /// <summary>Overrides <c>KafkaConnector:Reactive:BufferSize</c>: messages read ahead of the loop.</summary>
    public int? BufferSize { get; init; }

    /// <summary>Native consumer properties for this enumeration only (e.g. <c>auto.offset.reset</c>); win over configuration.</summary>
    public IDictionary<string, string> ConsumerProperties { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);
}
