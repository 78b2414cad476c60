using System.Security.Claims;
using Confluent.Kafka;
using KafkaConnector.Admin;
using KafkaConnector.Consumers;
using KafkaConnector.Messages;

namespace KafkaConnector.Security;

/// <summary>The reactive overloads and single-topic conveniences of <see cref="IKafkaConnectorApi"/>, each checked like the method it calls.</summary>
public static class KafkaConnectorApiExtensions
{
    /// <summary>Checks, then consumes <paramref name="topics"/> through group <paramref name="groupId"/>.</summary>
    public static Task<IObservable<KafkaMessage>> ConsumeReactiveAsync(
        this IKafkaConnectorApi api, ClaimsPrincipal principal, string groupId, IEnumerable<string> topics, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(api);
        return api.ConsumeReactiveAsync(principal, groupId, KafkaSubscription.ToTopics(topics), cancellationToken: cancellationToken);
    }

    /// <summary>Checks, then consumes <paramref name="topics"/> through group <paramref name="groupId"/>, telling when partitions are assigned and revoked.</summary>
    public static Task<IObservable<KafkaMessage>> ConsumeReactiveAsync(
        this IKafkaConnectorApi api,
        ClaimsPrincipal principal,
        string groupId,
        IEnumerable<string> topics,
        Action<IReadOnlyList<TopicPartition>> onPartitionsAssigned,
        Action<IReadOnlyList<TopicPartition>> onPartitionsRevoked,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(api);
        var options = new KafkaReactiveConsumeOptions { OnPartitionsAssigned = onPartitionsAssigned, OnPartitionsRevoked = onPartitionsRevoked };
        return api.ConsumeReactiveAsync(principal, groupId, KafkaSubscription.ToTopics(topics), options, cancellationToken);
    }

    /// <summary>Checks, then consumes the given partitions directly, without group management; offsets are not committed.</summary>
    public static Task<IObservable<KafkaMessage>> ConsumeReactiveAsync(
        this IKafkaConnectorApi api, ClaimsPrincipal principal, IEnumerable<TopicPartitionOffset> assignment, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(api);
        return api.ConsumeReactiveAsync(principal, null, KafkaSubscription.ToAssignment(assignment), new KafkaReactiveConsumeOptions { CommitOffsets = false }, cancellationToken);
    }

    /// <summary>Checks, then consumes one partition of <paramref name="topic"/>, committing delivered offsets to <paramref name="groupId"/>.</summary>
    public static Task<IObservable<KafkaMessage>> ConsumeReactiveAsync(
        this IKafkaConnectorApi api, ClaimsPrincipal principal, string groupId, string topic, int partition, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(api);
        return api.ConsumeReactiveAsync(principal, groupId, KafkaSubscription.ToPartition(topic, partition), cancellationToken: cancellationToken);
    }

    /// <summary>
    /// Checks <see cref="KafkaConnectorAction.Consume"/> on the pattern itself (anchored with <c>^</c>),
    /// then consumes every topic matching it through group <paramref name="groupId"/>.
    /// </summary>
    public static Task<IObservable<KafkaMessage>> ConsumeReactivePatternAsync(
        this IKafkaConnectorApi api, ClaimsPrincipal principal, string groupId, string pattern, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(api);
        return api.ConsumeReactiveAsync(principal, groupId, KafkaSubscription.ToPattern(pattern), cancellationToken: cancellationToken);
    }

    /// <summary>Checks <see cref="KafkaConnectorAction.TopicAdd"/>, then creates one topic.</summary>
    /// <exception cref="KafkaTopicOperationException">The topic was not created; the result says why.</exception>
    public static async Task CreateTopicAsync(this IKafkaConnectorApi api, ClaimsPrincipal principal, KafkaTopicSpec topic, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(topic);
        await api.CreateTopicsAsync(principal, [topic], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Checks <see cref="KafkaConnectorAction.TopicDelete"/>, then deletes one topic.</summary>
    /// <exception cref="KafkaTopicOperationException">The topic was not deleted; the result says why.</exception>
    public static async Task DeleteTopicAsync(this IKafkaConnectorApi api, ClaimsPrincipal principal, string topic, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(topic);
        await api.DeleteTopicsAsync(principal, [topic], cancellationToken).ConfigureAwait(false);
    }
}
