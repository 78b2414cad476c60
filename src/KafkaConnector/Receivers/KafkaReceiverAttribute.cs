namespace KafkaConnector.Receivers;

/// <summary>
/// Binds an <see cref="IKafkaMessageReceiver"/> or <see cref="IKafkaBatchReceiver"/> class to a topic filter (and optionally a key) so
/// that <c>.AddReceiversFromAssembly(...)</c> registers it; repeat it to bind several filters.
/// The .NET counterpart of the original's OSGi component properties.
/// </summary>
/// <param name="topicFilter">See <see cref="KafkaTopicFilter"/>: names, <c>{broadcast}</c>, <c>{node}</c> or <c>regex:</c>.</param>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class KafkaReceiverAttribute(string topicFilter) : Attribute
{
    /// <summary>The topic filter.</summary>
    public string TopicFilter { get; } = topicFilter;

    /// <summary>Only messages with this key (UTF-8); null or <c>*</c> for every key, null keys included.</summary>
    public string? KeyFilter { get; init; }

    /// <summary>
    /// The name of an error policy registered with <c>AddErrorPolicy(name, policy)</c>, or null for
    /// the default. A name that is not registered fails the node's start, naming the receiver.
    /// </summary>
    public string? ErrorPolicy { get; init; }

    /// <summary>
    /// The consumer group the receiver shares its work in (see <see cref="KafkaReceiverOptions.InGroup"/>),
    /// or null for the node's own group, in which every node reads every message.
    /// </summary>
    public string? Group { get; init; }

    /// <summary>For an <see cref="IKafkaBatchReceiver"/>: the most messages in a batch; 0 (the default) for 100.</summary>
    public int BatchSize { get; init; }

    /// <summary>For an <see cref="IKafkaBatchReceiver"/>: how long after its first message a batch is handed over, in milliseconds; 0 (the default) for 250.</summary>
    public int BatchWaitMilliseconds { get; init; }
}
