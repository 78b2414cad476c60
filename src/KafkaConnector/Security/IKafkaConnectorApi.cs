using System.Security.Claims;
using KafkaConnector.Admin;
using KafkaConnector.Consumers;
using KafkaConnector.Messages;

namespace KafkaConnector.Security;

/// <summary>
/// The connector for code acting on behalf of a caller: produce, consume and administer Kafka, read
/// and control the node's receivers, each call checked first. The caller is the
/// <see cref="ClaimsPrincipal"/> every method takes; the <see cref="IKafkaPermissionEvaluator"/>
/// decides whether it may perform the method's <see cref="KafkaConnectorAction"/> on each resource
/// the call touches (topics, pattern, ACL topics, consumer groups, receiver ids), and the call goes on
/// only when every resource is allowed. Otherwise it throws <see cref="KafkaPermissionDeniedException"/>
/// and nothing is sent, created or changed. Every
/// decision is logged (event ids 3000–3002) and every refusal counted
/// (<c>kafkaconnector.permission.denied</c>). Register it with <c>AddPermissions()</c>.
/// </summary>
/// <remarks>
/// Raw clients (<see cref="IKafkaConnectorSystemApi.CreateProducer"/>, consumers, producer pools) are
/// not offered here: they could not be checked per call. After a check passes, each method behaves
/// as its counterpart on <see cref="IKafkaConnectorSystemApi"/>, <see cref="IKafkaAdminApi"/>,
/// <see cref="Diagnostics.IKafkaConnectorStatus"/> or <see cref="Receivers.IKafkaReceiverControl"/>
/// and throws what that throws.
/// </remarks>
public partial interface IKafkaConnectorApi
{
    /// <summary>Checks <see cref="KafkaConnectorAction.Produce"/> on the message's topic, produces, and completes when the broker acknowledged the message.</summary>
    /// <exception cref="KafkaPermissionDeniedException">The caller may not produce to the topic; nothing was sent.</exception>
    /// <exception cref="KafkaProduceException">The message was not delivered.</exception>
    Task<KafkaDeliveryResult> ProduceAsync(ClaimsPrincipal principal, KafkaMessage message, CancellationToken cancellationToken = default);

    /// <summary>
    /// Checks <see cref="KafkaConnectorAction.Produce"/> on the message's topic, then queues the
    /// message on the shared producer without waiting for the broker: completes once it is queued;
    /// <paramref name="callback"/>, if any, gets the delivery result (a failure is logged and counted either way).
    /// </summary>
    /// <exception cref="KafkaPermissionDeniedException">The caller may not produce to the topic; nothing was queued.</exception>
    ValueTask EnqueueAsync(ClaimsPrincipal principal, KafkaMessage message, Action<KafkaDeliveryResult>? callback = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Checks <see cref="KafkaConnectorAction.Consume"/> on every topic of <paramref name="subscription"/>
    /// (or on its pattern), then returns the stream <see cref="IKafkaConnectorSystemApi.ConsumeReactive"/> returns.
    /// </summary>
    /// <exception cref="KafkaPermissionDeniedException">The caller may not consume one of the topics; no consumer was created.</exception>
    Task<IObservable<KafkaMessage>> ConsumeReactiveAsync(
        ClaimsPrincipal principal,
        string? groupId,
        KafkaSubscription subscription,
        KafkaReactiveConsumeOptions? options = null,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// The stream <see cref="IKafkaConnectorSystemApi.ConsumeAsync"/> returns, each enumeration checked
    /// first: <see cref="KafkaConnectorAction.Consume"/> on every topic of <paramref name="subscription"/>
    /// (or on its pattern), at the first <c>MoveNextAsync</c>, before a consumer is created. Arguments
    /// are checked at the call.
    /// </summary>
    /// <param name="principal">The caller.</param>
    /// <param name="groupId">The consumer group; required for topic and pattern subscriptions and for committing offsets.</param>
    /// <param name="subscription">Topics, a pattern, or explicit partitions.</param>
    /// <param name="options">Per-enumeration settings, or null for the configured ones.</param>
    /// <param name="cancellationToken">Cancels the check and ends the enumeration, as for the system API.</param>
    /// <returns>The stream; the first <c>MoveNextAsync</c> of an enumeration the caller may not make throws <see cref="KafkaPermissionDeniedException"/>, and no consumer is created.</returns>
    /// <exception cref="ArgumentException">A missing principal or group id, or an option out of range: thrown at the call, naming the argument.</exception>
    IAsyncEnumerable<KafkaMessage> ConsumeAsync(
        ClaimsPrincipal principal,
        string? groupId,
        KafkaSubscription subscription,
        KafkaConsumeStreamOptions? options = null,
        CancellationToken cancellationToken = default);

    /// <summary>Checks <see cref="KafkaConnectorAction.TopicAdd"/> on every topic, then creates them all (<see cref="IKafkaAdminApi.CreateTopicsAsync"/>).</summary>
    /// <exception cref="KafkaPermissionDeniedException">The caller may not create one of the topics; none was created.</exception>
    Task<IReadOnlyList<KafkaTopicResult>> CreateTopicsAsync(ClaimsPrincipal principal, IEnumerable<KafkaTopicSpec> topics, CancellationToken cancellationToken = default);

    /// <summary>Checks <see cref="KafkaConnectorAction.TopicDelete"/> on every topic, then deletes them all (<see cref="IKafkaAdminApi.DeleteTopicsAsync"/>).</summary>
    /// <exception cref="KafkaPermissionDeniedException">The caller may not delete one of the topics; none was deleted.</exception>
    Task<IReadOnlyList<KafkaTopicResult>> DeleteTopicsAsync(ClaimsPrincipal principal, IEnumerable<string> topics, CancellationToken cancellationToken = default);

    /// <summary>Checks <see cref="KafkaConnectorAction.TopicDescribe"/> on every topic, then describes them (<see cref="IKafkaAdminApi.DescribeTopicsAsync"/>).</summary>
    /// <exception cref="KafkaPermissionDeniedException">The caller may not describe one of the topics.</exception>
    Task<IReadOnlyList<KafkaTopicDescription>> DescribeTopicsAsync(ClaimsPrincipal principal, IEnumerable<string> topics, CancellationToken cancellationToken = default);

    /// <summary>Checks <see cref="KafkaConnectorAction.TopicAlter"/> on the topic, then changes its configuration (<see cref="IKafkaAdminApi.AlterTopicConfigsAsync"/>).</summary>
    /// <exception cref="KafkaPermissionDeniedException">The caller may not alter the topic; nothing was changed.</exception>
    Task AlterTopicConfigsAsync(ClaimsPrincipal principal, string topic, IReadOnlyDictionary<string, string?> changes, CancellationToken cancellationToken = default);

    /// <summary>Checks <see cref="KafkaConnectorAction.AclAdd"/> on every ACL's topic (<c>prefix*</c> when prefixed), then adds them all.</summary>
    /// <exception cref="KafkaPermissionDeniedException">The caller may not add one of the ACLs; none was added.</exception>
    Task AddAclsAsync(ClaimsPrincipal principal, IEnumerable<KafkaAcl> acls, CancellationToken cancellationToken = default);

    /// <summary>Checks <see cref="KafkaConnectorAction.AclDelete"/> on every ACL's topic (<c>prefix*</c> when prefixed), then deletes them all.</summary>
    /// <exception cref="KafkaPermissionDeniedException">The caller may not delete one of the ACLs; none was deleted.</exception>
    Task<IReadOnlyList<KafkaAcl>> DeleteAclsAsync(ClaimsPrincipal principal, IEnumerable<KafkaAcl> acls, CancellationToken cancellationToken = default);

    /// <summary>
    /// Checks <see cref="KafkaConnectorAction.AclList"/> on the filter's topic (<c>prefix*</c> for a
    /// prefixed filter, <c>*</c> when the filter names no topic), then lists the matching ACLs.
    /// </summary>
    /// <exception cref="KafkaPermissionDeniedException">The caller may not list those ACLs.</exception>
    Task<IReadOnlyList<KafkaAcl>> ListAclsAsync(ClaimsPrincipal principal, KafkaAclFilter? filter = null, CancellationToken cancellationToken = default);

    /// <summary>Checks <see cref="KafkaConnectorAction.GroupDescribe"/> on the group, then lists its offsets and lag (<see cref="IKafkaAdminApi.ListGroupOffsetsAsync"/>).</summary>
    /// <exception cref="KafkaPermissionDeniedException">The caller may not describe the group; nothing was sent.</exception>
    Task<IReadOnlyList<KafkaGroupPartitionOffset>> ListGroupOffsetsAsync(ClaimsPrincipal principal, string groupId, IEnumerable<string>? topics = null, CancellationToken cancellationToken = default);

    /// <summary>Checks <see cref="KafkaConnectorAction.GroupReset"/> on the group, then resets its offsets (<see cref="IKafkaAdminApi.ResetGroupOffsetsAsync"/>).</summary>
    /// <exception cref="KafkaPermissionDeniedException">The caller may not reset the group; nothing was changed.</exception>
    Task<IReadOnlyList<KafkaGroupOffsetChange>> ResetGroupOffsetsAsync(
        ClaimsPrincipal principal, string groupId, string topic, KafkaOffsetTarget target, IEnumerable<int>? partitions = null, CancellationToken cancellationToken = default);

    /// <summary>Checks <see cref="KafkaConnectorAction.GroupList"/> on <c>*</c>, then lists the cluster's consumer groups (<see cref="IKafkaAdminApi.ListGroupsAsync"/>).</summary>
    /// <exception cref="KafkaPermissionDeniedException">The caller may not list groups.</exception>
    Task<IReadOnlyList<KafkaGroupListing>> ListGroupsAsync(ClaimsPrincipal principal, CancellationToken cancellationToken = default);

    /// <summary>Checks <see cref="KafkaConnectorAction.GroupDescribe"/> on every group, then describes them (<see cref="IKafkaAdminApi.DescribeGroupsAsync"/>).</summary>
    /// <exception cref="KafkaPermissionDeniedException">The caller may not describe one of the groups; nothing was sent.</exception>
    Task<IReadOnlyList<KafkaGroupDescription>> DescribeGroupsAsync(ClaimsPrincipal principal, IEnumerable<string> groupIds, CancellationToken cancellationToken = default);
}
