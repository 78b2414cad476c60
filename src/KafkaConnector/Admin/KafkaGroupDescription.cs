using Confluent.Kafka;

namespace KafkaConnector.Admin;

/// <summary>A consumer group as <c>ListGroupsAsync</c> lists it.</summary>
/// <param name="GroupId">The group id.</param>
/// <param name="State">The group's state, e.g. <see cref="ConsumerGroupState.Stable"/> or <see cref="ConsumerGroupState.Empty"/>.</param>
/// <param name="Type">The group protocol: <see cref="ConsumerGroupType.Classic"/> or <see cref="ConsumerGroupType.Consumer"/> (KIP-848); <see cref="ConsumerGroupType.Unknown"/> on brokers that do not say.</param>
/// <param name="IsSimple">Whether the group only stores offsets and never had members that joined it (consumers that assign partitions themselves).</param>
public sealed record KafkaGroupListing(string GroupId, ConsumerGroupState State, ConsumerGroupType Type, bool IsSimple);

/// <summary>A consumer group as the cluster describes it.</summary>
/// <param name="GroupId">The group id.</param>
/// <param name="State">The group's state; <see cref="ConsumerGroupState.Dead"/> for a group the broker does not know.</param>
/// <param name="Type">The group protocol, as in <see cref="KafkaGroupListing.Type"/>.</param>
/// <param name="IsSimple">Whether the group only stores offsets.</param>
/// <param name="PartitionAssignor">The assignor the members agreed on (e.g. <c>range</c>), or empty.</param>
/// <param name="Coordinator">The broker id of the group's coordinator, or null when unknown.</param>
/// <param name="Members">The group's members; empty for a group without active members.</param>
public sealed record KafkaGroupDescription(
    string GroupId,
    ConsumerGroupState State,
    ConsumerGroupType Type,
    bool IsSimple,
    string PartitionAssignor,
    int? Coordinator,
    IReadOnlyList<KafkaGroupMember> Members)
{
    /// <summary>Whether the group has members or is rebalancing: its offsets can then not be reset.</summary>
    public bool IsActive => Members.Count > 0 || State is ConsumerGroupState.Stable or ConsumerGroupState.PreparingRebalance or ConsumerGroupState.CompletingRebalance;
}

/// <summary>One member of a consumer group.</summary>
/// <param name="MemberId">The id the coordinator gave the member.</param>
/// <param name="ClientId">The member's <c>client.id</c>.</param>
/// <param name="Host">The host the member connects from.</param>
/// <param name="GroupInstanceId">The member's <c>group.instance.id</c> (static membership), or null.</param>
/// <param name="Assignment">The partitions assigned to the member.</param>
public sealed record KafkaGroupMember(string MemberId, string ClientId, string Host, string? GroupInstanceId, IReadOnlyList<TopicPartition> Assignment)
{
    /// <inheritdoc />
    public override string ToString() => $"{MemberId} (client {ClientId} on {Host})";
}
