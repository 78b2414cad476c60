namespace KafkaConnector.Admin;

/// <summary>
/// Topic and ACL administration, without permission checks (the system side): resolve it from the
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
}
