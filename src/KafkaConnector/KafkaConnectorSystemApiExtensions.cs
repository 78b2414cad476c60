using Confluent.Kafka;
using KafkaConnector.Consumers;
using KafkaConnector.Messages;

namespace KafkaConnector;

/// <summary>
/// Shortcuts for reactive consumption on top of <see cref="IKafkaConnectorSystemApi"/>: the
/// original's four <c>ConsumeReactive</c> overloads, and <c>ConsumeReactivePattern</c>. Text and
/// JSON helpers are on <see cref="Messages.KafkaMessage"/>.
/// </summary>
public static class KafkaConnectorSystemApiExtensions
{
    /// <summary>Consumes <paramref name="topics"/> through group <paramref name="groupId"/>.</summary>
    public static IObservable<KafkaMessage> ConsumeReactive(this IKafkaConnectorSystemApi api, string groupId, IEnumerable<string> topics)
    {
        ArgumentNullException.ThrowIfNull(api);
        return api.ConsumeReactive(groupId, KafkaSubscription.ToTopics(topics));
    }

    /// <summary>Consumes <paramref name="topics"/> through group <paramref name="groupId"/>, telling when partitions are assigned and revoked.</summary>
    public static IObservable<KafkaMessage> ConsumeReactive(
        this IKafkaConnectorSystemApi api,
        string groupId,
        IEnumerable<string> topics,
        Action<IReadOnlyList<TopicPartition>> onPartitionsAssigned,
        Action<IReadOnlyList<TopicPartition>> onPartitionsRevoked)
    {
        ArgumentNullException.ThrowIfNull(api);
        return api.ConsumeReactive(groupId, KafkaSubscription.ToTopics(topics), new KafkaReactiveConsumeOptions
        {
            OnPartitionsAssigned = onPartitionsAssigned,
            OnPartitionsRevoked = onPartitionsRevoked,
        });
    }

    /// <summary>Consumes the given partitions directly, without group management; offsets are not committed.</summary>
    public static IObservable<KafkaMessage> ConsumeReactive(this IKafkaConnectorSystemApi api, IEnumerable<TopicPartitionOffset> assignment)
    {
        ArgumentNullException.ThrowIfNull(api);
        return api.ConsumeReactive(null, KafkaSubscription.ToAssignment(assignment), new KafkaReactiveConsumeOptions { CommitOffsets = false });
    }

    /// <summary>Consumes one partition of <paramref name="topic"/>, committing delivered offsets to <paramref name="groupId"/>.</summary>
    public static IObservable<KafkaMessage> ConsumeReactive(this IKafkaConnectorSystemApi api, string groupId, string topic, int partition)
    {
        ArgumentNullException.ThrowIfNull(api);
        return api.ConsumeReactive(groupId, KafkaSubscription.ToPartition(topic, partition));
    }

    /// <summary>Consumes every topic matching <paramref name="pattern"/> through group <paramref name="groupId"/>.</summary>
    public static IObservable<KafkaMessage> ConsumeReactivePattern(this IKafkaConnectorSystemApi api, string groupId, string pattern)
    {
        ArgumentNullException.ThrowIfNull(api);
        return api.ConsumeReactive(groupId, KafkaSubscription.ToPattern(pattern));
    }
}
