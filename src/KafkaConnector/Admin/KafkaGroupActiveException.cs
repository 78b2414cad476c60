using Confluent.Kafka;

namespace KafkaConnector.Admin;

/// <summary>
/// A consumer group's offsets were not reset because the group has active members: a reset would
/// race their commits. Nothing was changed. Stop the group's consumers (or wait until they have
/// left) and retry.
/// </summary>
public sealed class KafkaGroupActiveException : KafkaAdminException
{
    /// <summary>Creates the exception for <paramref name="groupId"/>.</summary>
    /// <param name="operation">The operation refused, e.g. <c>ResetGroupOffsets</c>.</param>
    /// <param name="groupId">The group.</param>
    /// <param name="members">The members the cluster described, or null when the broker does not describe groups.</param>
    /// <param name="error">What the broker answered (e.g. <see cref="ErrorCode.UnknownMemberId"/> for a commit from outside the group), or <see cref="ErrorCode.NonEmptyGroup"/>.</param>
    /// <param name="innerException">The broker's refusal, if it came from the broker.</param>
    public KafkaGroupActiveException(string operation, string groupId, IReadOnlyList<KafkaGroupMember>? members, Error error, Exception? innerException = null)
        : base(operation, error, Describe(operation, groupId, members, error), innerException)
    {
        GroupId = groupId;
        Members = members;
    }

    /// <summary>The group.</summary>
    public string GroupId { get; }

    /// <summary>The group's members as the cluster described them, or null when the broker does not describe groups.</summary>
    public IReadOnlyList<KafkaGroupMember>? Members { get; }

    private static string Describe(string operation, string groupId, IReadOnlyList<KafkaGroupMember>? members, Error error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var who = members switch
        {
            { Count: > 0 } => $"it has {members.Count} active member(s): {string.Join(", ", members)}.",
            not null => $"a member joined it meanwhile: the broker refused a commit from outside the group ({error.Code}).",
            null => $"it has active members: the broker refused a commit from outside the group ({error.Code}). The broker does not describe groups, so the members are not known; "
                + "the embedded test broker also keeps a group's membership after its members leave, so there a group that has had members cannot be reset.",
        };
        return $"{operation} refused for group '{groupId}': {who} Nothing was changed; stop the group's consumers and retry.";
    }
}
