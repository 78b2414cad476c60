using Confluent.Kafka;

namespace KafkaConnector.Consumers;

/// <summary>Per-stream settings for <c>ConsumeReactive</c>; unset values come from <c>KafkaConnector:Reactive</c>.</summary>
public sealed class KafkaReactiveConsumeOptions
{
    /// <summary>Called on the poll thread when partitions are assigned to one of the stream's consumers.</summary>
    public Action<IReadOnlyList<TopicPartition>>? OnPartitionsAssigned { get; init; }

    /// <summary>Called on the poll thread when partitions are taken away (after delivered offsets are committed).</summary>
    public Action<IReadOnlyList<TopicPartition>>? OnPartitionsRevoked { get; init; }

    /// <summary>
    /// Whether offsets of messages delivered to <c>OnNext</c> are committed (default true:
    /// at-least-once, a restart resumes after the last delivered message).
    /// </summary>
    public bool CommitOffsets { get; init; } = true;

    /// <summary>Overrides <c>KafkaConnector:Reactive:BufferSize</c> for this stream.</summary>
    public int? BufferSize { get; init; }

    /// <summary>Overrides <c>KafkaConnector:Reactive:MaxConsumerThreads</c> for this stream (group subscriptions only).</summary>
    public int? ConsumerCount { get; init; }

    /// <summary>Native consumer properties for this stream only (e.g. <c>auto.offset.reset</c>); win over configuration.</summary>
    public IDictionary<string, string> ConsumerProperties { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);
}
