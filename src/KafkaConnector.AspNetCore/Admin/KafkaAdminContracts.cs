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
