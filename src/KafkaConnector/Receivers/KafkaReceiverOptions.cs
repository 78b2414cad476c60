namespace KafkaConnector.Receivers;

/// <summary>
/// Per-receiver settings, given to the <c>configure</c> callback of <c>AddReceiver</c> and
/// <see cref="IKafkaReceiverRegistry.Register"/>: <c>configure: r =&gt; r.OnError(KafkaErrorPolicy.Retry(5).ThenHold())</c>.
/// </summary>
public sealed class KafkaReceiverOptions
{
    /// <summary>The receiver's error policy, or null for the default (<c>Dispatch:MaxRetries</c> retries, then the dead-letter topic).</summary>
    public KafkaErrorPolicy? ErrorPolicy { get; private set; }

    /// <summary>Sets what the receiver's failures lead to (see <see cref="KafkaErrorPolicy"/>).</summary>
    /// <param name="policy">The policy.</param>
    /// <returns>These options, to chain further settings.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="policy"/> is null.</exception>
    public KafkaReceiverOptions OnError(KafkaErrorPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ErrorPolicy = policy;
        return this;
    }

    /// <summary>
    /// The consumer group the receiver shares its topics' partitions in, or null (the default) for the
    /// node's own group, in which every node reads every message.
    /// </summary>
    public string? GroupId { get; private set; }

    /// <summary>
    /// Shares the receiver's work in the consumer group <paramref name="groupId"/>: the nodes that register
    /// a receiver in this group split the topics' partitions, so each message is handled by one of them
    /// (with per-key order, parallelism, the error policy and at-least-once commits as in the node's group).
    /// A node that stops or dies hands its partitions to the others. Receivers of one group on one node
    /// share one consumer. The group id is used as given.
    /// </summary>
    /// <param name="groupId">The Kafka consumer group id; not the node's own group.</param>
    /// <returns>These options, to chain further settings.</returns>
    /// <exception cref="ArgumentException"><paramref name="groupId"/> is null, blank or longer than 255 characters.</exception>
    public KafkaReceiverOptions InGroup(string groupId)
    {
        GroupId = ValidGroupId(groupId, nameof(groupId));
        return this;
    }

    internal static KafkaReceiverOptions From(Action<KafkaReceiverOptions>? configure)
    {
        var options = new KafkaReceiverOptions();
        configure?.Invoke(options);
        return options;
    }

    internal static string ValidGroupId(string? groupId, string argument)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(groupId, argument);
        if (groupId.Length > 255 || groupId.Trim().Length != groupId.Length)
        {
            throw new ArgumentException($"Consumer group id '{groupId}' is not valid: at most 255 characters, no leading or trailing spaces.", argument);
        }

        return groupId;
    }
}
