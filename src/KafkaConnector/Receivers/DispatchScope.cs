using Confluent.Kafka;

namespace KafkaConnector.Receivers;

/// <summary>
/// What one dispatcher consumes: the node's own group (its broadcast and node topics, the cluster's
/// traffic, and every receiver without a group of its own) or one receiver group, whose partitions
/// the nodes that register its receivers share.
/// </summary>
internal sealed class DispatchScope
{
    private DispatchScope(string groupId, KafkaClusterTopicNames topics, bool isNode)
    {
        GroupId = groupId;
        Topics = topics;
        IsNode = isNode;
    }

    /// <summary>The consumer group.</summary>
    public string GroupId { get; }

    /// <summary>The node's topic names, which filters resolve their placeholders against.</summary>
    public KafkaClusterTopicNames Topics { get; }

    /// <summary>Whether this is the node's own consumer (system topics, cluster traffic, readiness of the node).</summary>
    public bool IsNode { get; }

    /// <summary>How the scope is named in logs and status: <c>node</c> or <c>group 'name'</c>.</summary>
    public string Name => IsNode ? "node" : $"group '{GroupId}'";

    public static DispatchScope Node(KafkaClusterTopicNames topics) => new(topics.GroupId, topics, isNode: true);

    public static DispatchScope Shared(string groupId, KafkaClusterTopicNames topics) => new(groupId, topics, isNode: false);

    /// <summary>Whether <paramref name="registration"/> runs in this scope.</summary>
    public bool Owns(ReceiverRegistration registration) =>
        IsNode ? registration.GroupId is null : string.Equals(registration.GroupId, GroupId, StringComparison.Ordinal);

    /// <summary>The node's broadcast and node topics: never paused, and only in the node's scope.</summary>
    public bool IsOwnTopic(TopicPartition partition) => IsNode && (partition.Topic == Topics.Broadcast || partition.Topic == Topics.Node);
}
