using KafkaConnector.Cluster;

namespace KafkaConnector.AspNetCore.Admin;

/// <summary>The answer of <c>GET {prefix}/status</c>.</summary>
/// <param name="Layer">This node's layer, or null without <c>KafkaConnector:Layer</c>.</param>
/// <param name="NodeId">This node's id, or null without <c>KafkaConnector:NodeId</c>.</param>
/// <param name="Members">How many nodes of the layer are alive (0 without an identity).</param>
/// <param name="Version">The connector's assembly version.</param>
public sealed record KafkaNodeStatus(string? Layer, string? NodeId, int Members, string Version);

/// <summary>The body of <c>POST {prefix}/topics</c>.</summary>
/// <param name="Name">The topic.</param>
/// <param name="Partitions">Partitions, or null for the broker's default.</param>
/// <param name="ReplicationFactor">Replicas, or null for the broker's default.</param>
/// <param name="Configs">Topic-level configuration, or null.</param>
public sealed record KafkaTopicCreateRequest(string Name, int? Partitions = null, short? ReplicationFactor = null, IReadOnlyDictionary<string, string>? Configs = null);

/// <summary>A topic ACL on the wire: enum values by name (<c>Literal</c>/<c>Prefixed</c>, <c>Read</c>/<c>Write</c>/…, <c>Allow</c>/<c>Deny</c>).</summary>
/// <param name="Principal">E.g. <c>User:alice</c>.</param>
/// <param name="Topic">The topic, prefix, or <c>*</c>.</param>
/// <param name="PatternType"><c>Literal</c> or <c>Prefixed</c>.</param>
/// <param name="Operation">A Confluent.Kafka <c>AclOperation</c> name.</param>
/// <param name="Permission"><c>Allow</c> or <c>Deny</c>.</param>
/// <param name="Host">The host, default <c>*</c>.</param>
public sealed record KafkaAclModel(string Principal, string Topic, string PatternType, string Operation, string Permission, string Host = "*");

/// <summary>One partition of the node's consumer and its lag (from <c>messaging.kafka.consumer.lag</c>).</summary>
/// <param name="Topic">The topic.</param>
/// <param name="Partition">The partition.</param>
/// <param name="Lag">Messages between the group's committed offset and the partition's end.</param>
public sealed record KafkaPartitionLag(string Topic, int Partition, long Lag);

/// <summary>The cluster's members as <c>GET {prefix}/cluster/members</c> lists them.</summary>
/// <param name="Layer">The layer.</param>
/// <param name="Members">The live nodes, this one included.</param>
public sealed record KafkaClusterMembers(string Layer, IReadOnlyList<KafkaClusterMember> Members);

/// <summary>A consumer group on the wire: state and protocol by name; a description adds the assignor, coordinator and members.</summary>
/// <param name="GroupId">The group id.</param>
/// <param name="State">A Confluent.Kafka <c>ConsumerGroupState</c> name: <c>Stable</c>, <c>Empty</c>, <c>Dead</c>, <c>PreparingRebalance</c>, <c>CompletingRebalance</c> or <c>Unknown</c>.</param>
/// <param name="Type"><c>Classic</c>, <c>Consumer</c> (KIP-848) or <c>Unknown</c>.</param>
/// <param name="IsSimple">Whether the group only stores offsets.</param>
/// <param name="IsActive">Whether the group has members or is rebalancing (its offsets cannot be reset then); null in a listing.</param>
/// <param name="PartitionAssignor">The members' assignor; null in a listing.</param>
/// <param name="Coordinator">The coordinator's broker id; null in a listing or when unknown.</param>
/// <param name="Members">The members; null in a listing.</param>
public sealed record KafkaGroupModel(
    string GroupId,
    string State,
    string Type,
    bool IsSimple,
    bool? IsActive = null,
    string? PartitionAssignor = null,
    int? Coordinator = null,
    IReadOnlyList<KafkaGroupMemberModel>? Members = null);

/// <summary>A member of a described consumer group.</summary>
/// <param name="MemberId">The id the coordinator gave the member.</param>
/// <param name="ClientId">The member's <c>client.id</c>.</param>
/// <param name="Host">The host it connects from.</param>
/// <param name="GroupInstanceId">Its <c>group.instance.id</c>, or null.</param>
/// <param name="Assignment">Its partitions, by topic.</param>
public sealed record KafkaGroupMemberModel(string MemberId, string ClientId, string Host, string? GroupInstanceId, IReadOnlyDictionary<string, int[]> Assignment);

/// <summary>The body of <c>POST {prefix}/groups/{groupId}/offsets/reset</c>.</summary>
/// <param name="Topic">The topic whose offsets are reset.</param>
/// <param name="To"><c>earliest</c>, <c>latest</c>, <c>timestamp</c> (with <paramref name="Timestamp"/>) or <c>offset</c> (with <paramref name="Offset"/>).</param>
/// <param name="Offset">The explicit offset, for <c>offset</c>.</param>
/// <param name="Timestamp">The time (ISO 8601), for <c>timestamp</c>: the first message at or after it, the end when none is that recent.</param>
/// <param name="Partitions">The partitions to reset, or null for all of the topic's partitions.</param>
public sealed record KafkaGroupResetRequest(string Topic, string To, long? Offset = null, DateTimeOffset? Timestamp = null, IReadOnlyList<int>? Partitions = null);
