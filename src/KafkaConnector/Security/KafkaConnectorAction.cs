namespace KafkaConnector.Security;

/// <summary>
/// What a caller of <see cref="IKafkaConnectorApi"/> asks to do. Each call is checked for one
/// action on one or more resources (topics, consumer group ids for group actions, connector names
/// or receiver ids for their actions) by the
/// <see cref="IKafkaPermissionEvaluator"/>. Configuration names actions by these names.
/// </summary>
public enum KafkaConnectorAction
{
    /// <summary>Write messages to a topic.</summary>
    Produce,

    /// <summary>Read messages from a topic (or a topic pattern).</summary>
    Consume,

    /// <summary>Create a topic.</summary>
    TopicAdd,

    /// <summary>Delete a topic.</summary>
    TopicDelete,

    /// <summary>Change a topic's configuration.</summary>
    TopicAlter,

    /// <summary>Describe a topic: partitions, replicas, configuration.</summary>
    TopicDescribe,

    /// <summary>Add an ACL on a topic (the resource is the ACL's topic; <c>prefix*</c> for a prefixed ACL).</summary>
    AclAdd,

    /// <summary>Delete an ACL on a topic (resource as for <see cref="AclAdd"/>).</summary>
    AclDelete,

    /// <summary>List ACLs (the resource is the filter's topic, or <c>*</c> for every topic).</summary>
    AclList,

    /// <summary>Create a Kafka Connect connector (the resource is the connector's name).</summary>
    ConnectorNew,

    /// <summary>Delete a Kafka Connect connector.</summary>
    ConnectorDelete,

    /// <summary>Read a Kafka Connect connector's configuration and status.</summary>
    ConnectorView,

    /// <summary>List Kafka Connect connectors (the resource is <c>*</c>).</summary>
    ConnectorList,

    /// <summary>Change a Kafka Connect connector: configuration, pause, resume, restart.</summary>
    ConnectorUpdate,

    /// <summary>Read a consumer group's description, committed offsets and lag (the resource is the group id).</summary>
    GroupDescribe,

    /// <summary>List the cluster's consumer groups (the resource is <c>*</c>).</summary>
    GroupList,

    /// <summary>Reset a consumer group's committed offsets (the resource is the group id).</summary>
    GroupReset,
    /// <summary>Read the node's receivers: state, partitions, in flight, lag, last error (the resource is <c>*</c>).</summary>
    ReceiverView,

    /// <summary>Pause, resume or restart a receiver (the resource is its id), or all of the node's receivers (<c>*</c>).</summary>
    ReceiverControl,
}
