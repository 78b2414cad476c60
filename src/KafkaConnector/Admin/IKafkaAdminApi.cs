namespace KafkaConnector.Admin;

/// <summary>
/// Topic, ACL and consumer-group administration, without permission checks (the system side): resolve it from the
/// service collection; applications acting for a user go through <c>IKafkaConnectorApi</c>, which
/// checks every call first. Each method waits for the cluster's answer and reports every failure:
/// per topic for topic operations (<see cref="KafkaTopicOperationException"/>),
/// <see cref="KafkaAdminNotSupportedException"/> when the broker does not serve the operation, and
/// <see cref="KafkaAdminException"/> otherwise. Requests time out after the admin client's
/// <c>socket.timeout.ms</c> (<c>KafkaConnector:Admin:socket.timeout.ms</c>, librdkafka default 60 s).
/// Cancelling stops the wait, not the operation.
/// </summary>
public interface IKafkaAdminApi
{
    /// <summary>Creates topics and waits until the cluster has created them.</summary>
    /// <returns>One successful result per topic, in request order.</returns>
    /// <exception cref="KafkaTopicOperationException">At least one topic was not created (e.g. it exists); the results list every topic.</exception>
    Task<IReadOnlyList<KafkaTopicResult>> CreateTopicsAsync(IEnumerable<KafkaTopicSpec> topics, CancellationToken cancellationToken = default);

    /// <summary>Deletes topics and their messages.</summary>
    /// <returns>One successful result per topic, in request order.</returns>
    /// <exception cref="KafkaTopicOperationException">At least one topic was not deleted (e.g. it does not exist); the results list every topic.</exception>
    Task<IReadOnlyList<KafkaTopicResult>> DeleteTopicsAsync(IEnumerable<string> topics, CancellationToken cancellationToken = default);

    /// <summary>Describes topics: partitions, leaders, replicas and, where the broker serves it, configuration.</summary>
    /// <exception cref="KafkaTopicOperationException">At least one topic could not be described (e.g. it does not exist).</exception>
    Task<IReadOnlyList<KafkaTopicDescription>> DescribeTopicsAsync(IEnumerable<string> topics, CancellationToken cancellationToken = default);

    /// <summary>
    /// Changes topic-level configuration incrementally: each key with a value is set, each key with
    /// a null value returns to the broker's default; other keys are left as they are.
    /// </summary>
    Task AlterTopicConfigsAsync(string topic, IReadOnlyDictionary<string, string?> changes, CancellationToken cancellationToken = default);

    /// <summary>Adds ACLs on topics.</summary>
    /// <exception cref="KafkaAdminException">At least one ACL was not added; the message lists each failure.</exception>
    Task AddAclsAsync(IEnumerable<KafkaAcl> acls, CancellationToken cancellationToken = default);

    /// <summary>Deletes exactly the given ACLs.</summary>
    /// <returns>The ACLs the cluster deleted (an ACL that did not exist is not listed).</returns>
    Task<IReadOnlyList<KafkaAcl>> DeleteAclsAsync(IEnumerable<KafkaAcl> acls, CancellationToken cancellationToken = default);

    /// <summary>Lists topic ACLs matching <paramref name="filter"/> (null: every topic ACL).</summary>
    Task<IReadOnlyList<KafkaAcl>> ListAclsAsync(KafkaAclFilter? filter = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Lists a consumer group's committed offset on each partition with the partition's end (high
    /// watermark) and the lag between them. With <paramref name="topics"/>, every partition of those
    /// topics is listed, a partition the group never committed on with a null offset and lag; without,
    /// the partitions the group has committed on.
    /// </summary>
    /// <param name="groupId">The consumer group.</param>
    /// <param name="topics">The topics, or null for every topic the group has committed offsets on.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>One entry per partition, by topic (in request order, or by name) and partition.</returns>
    /// <exception cref="ArgumentException">The group id is empty or a topic name is invalid; nothing was sent.</exception>
    /// <exception cref="KafkaTopicOperationException">A topic does not exist.</exception>
    /// <exception cref="KafkaAdminNotSupportedException">
    /// No topics were named, the broker answered no offsets and does not describe groups, so it
    /// cannot be told apart from a broker that cannot list a group's offsets (the embedded test broker).
    /// </exception>
    Task<IReadOnlyList<KafkaGroupPartitionOffset>> ListGroupOffsetsAsync(string groupId, IEnumerable<string>? topics = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Moves a consumer group's committed offsets on a topic (all its partitions, or those named) to
    /// <paramref name="target"/>, so that the group's next consumers start there. Only a group
    /// without active members is reset; otherwise nothing is changed.
    /// </summary>
    /// <param name="groupId">The consumer group.</param>
    /// <param name="topic">The topic.</param>
    /// <param name="target">Earliest, latest, a time, or an explicit offset.</param>
    /// <param name="partitions">The partitions to reset, or null for all of the topic's partitions.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>Each partition's previous and new committed offset, by partition.</returns>
    /// <exception cref="ArgumentException">
    /// The group id is empty, the topic name invalid, a partition negative, repeated or missing
    /// from the topic, or an explicit offset outside a partition's offsets; nothing was changed.
    /// </exception>
    /// <exception cref="KafkaGroupActiveException">The group has active members (named where the broker describes them); nothing was changed.</exception>
    /// <exception cref="KafkaTopicOperationException">The topic does not exist.</exception>
    Task<IReadOnlyList<KafkaGroupOffsetChange>> ResetGroupOffsetsAsync(
        string groupId, string topic, KafkaOffsetTarget target, IEnumerable<int>? partitions = null, CancellationToken cancellationToken = default);

    /// <summary>Lists the cluster's consumer groups with their state and protocol (ListGroups).</summary>
    /// <returns>The groups, by id.</returns>
    /// <exception cref="KafkaAdminNotSupportedException">The broker does not serve group listing (the embedded test broker).</exception>
    Task<IReadOnlyList<KafkaGroupListing>> ListGroupsAsync(CancellationToken cancellationToken = default);

    /// <summary>Describes consumer groups: state, protocol, coordinator and members with their assignments (DescribeGroups).</summary>
    /// <returns>One description per distinct group id, in request order; a group the broker does not know is <see cref="Confluent.Kafka.ConsumerGroupState.Dead"/> without members.</returns>
    /// <exception cref="ArgumentException">A group id is empty; nothing was sent.</exception>
    /// <exception cref="KafkaAdminNotSupportedException">The broker does not describe groups (the embedded test broker).</exception>
    Task<IReadOnlyList<KafkaGroupDescription>> DescribeGroupsAsync(IEnumerable<string> groupIds, CancellationToken cancellationToken = default);
}
