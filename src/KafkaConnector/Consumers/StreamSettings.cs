using Confluent.Kafka;
using KafkaConnector.Configuration;

namespace KafkaConnector.Consumers;

/// <summary>
/// What one stream (reactive or async) reads and how: its options resolved against
/// <c>KafkaConnector:Reactive</c>, checked when the stream is asked for.
/// </summary>
internal sealed record StreamSettings(
    string? GroupId,
    KafkaSubscription Subscription,
    bool CommitOffsets,
    int BufferSize,
    IDictionary<string, string> ConsumerProperties,
    Action<IReadOnlyList<TopicPartition>>? OnPartitionsAssigned,
    Action<IReadOnlyList<TopicPartition>>? OnPartitionsRevoked,
    TimeSpan PollInterval,
    TimeSpan CommitInterval,
    TimeSpan StopTimeout)
{
    /// <summary>The subscription as logs name it.</summary>
    public string Name { get; } = Subscription.ToString();

    public static StreamSettings For(KafkaConnectorOptions configuration, string? groupId, KafkaSubscription subscription, KafkaReactiveConsumeOptions options)
    {
        Check(groupId, subscription, options);
        return Resolve(configuration, groupId, subscription, options.CommitOffsets, options.BufferSize, options.ConsumerProperties, options.OnPartitionsAssigned, options.OnPartitionsRevoked);
    }

    public static StreamSettings For(KafkaConnectorOptions configuration, string? groupId, KafkaSubscription subscription, KafkaConsumeStreamOptions options)
    {
        Check(groupId, subscription, options);
        return Resolve(configuration, groupId, subscription, options.CommitOffsets, options.BufferSize, options.ConsumerProperties, options.OnPartitionsAssigned, options.OnPartitionsRevoked);
    }

    /// <summary>What <c>ConsumeReactive</c> checks at the call, before anything is created.</summary>
    /// <exception cref="ArgumentException">No group id where one is needed, or an option out of range; the exception names the argument.</exception>
    public static void Check(string? groupId, KafkaSubscription subscription, KafkaReactiveConsumeOptions options)
    {
        CheckGroup(groupId, subscription, options.CommitOffsets);
        if (options.BufferSize is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.BufferSize, "BufferSize must be at least 1.");
        }

        if (options.ConsumerCount is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.ConsumerCount, "ConsumerCount must be at least 1.");
        }
    }

    /// <summary>What <c>ConsumeAsync</c> checks at the call, before anything is created.</summary>
    /// <exception cref="ArgumentException">No group id where one is needed, or an option out of range; the exception names the argument.</exception>
    public static void Check(string? groupId, KafkaSubscription subscription, KafkaConsumeStreamOptions options)
    {
        CheckGroup(groupId, subscription, options.CommitOffsets);
        if (options.BufferSize is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.BufferSize, "BufferSize must be at least 1.");
        }
    }

    private static void CheckGroup(string? groupId, KafkaSubscription subscription, bool commitOffsets)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        if (string.IsNullOrWhiteSpace(groupId) && (subscription.UsesGroup || commitOffsets))
        {
            throw new ArgumentException(
                subscription.UsesGroup
                    ? $"A group id is required to subscribe to {subscription}."
                    : $"A group id is required to commit offsets of {subscription}; pass one, or set CommitOffsets = false.",
                nameof(groupId));
        }
    }

    private static StreamSettings Resolve(
        KafkaConnectorOptions configuration,
        string? groupId,
        KafkaSubscription subscription,
        bool commitOffsets,
        int? bufferSize,
        IDictionary<string, string> consumerProperties,
        Action<IReadOnlyList<TopicPartition>>? onAssigned,
        Action<IReadOnlyList<TopicPartition>>? onRevoked) =>
        new(
            groupId,
            subscription,
            commitOffsets,
            bufferSize ?? configuration.Reactive.BufferSize,
            consumerProperties,
            onAssigned,
            onRevoked,
            configuration.Reactive.PollInterval,
            configuration.Reactive.CommitInterval,
            configuration.ShutdownTimeout);
}
