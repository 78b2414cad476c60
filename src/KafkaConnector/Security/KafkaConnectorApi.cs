using System.Runtime.CompilerServices;
using System.Security.Claims;
using Confluent.Kafka.Admin;
using KafkaConnector.Admin;
using KafkaConnector.Consumers;
using KafkaConnector.Diagnostics;
using KafkaConnector.Messages;
using KafkaConnector.Producers;
using KafkaConnector.Receivers;

namespace KafkaConnector.Security;

/// <inheritdoc cref="IKafkaConnectorApi"/>
/// <remarks>Each method demands its action through the gate, then forwards to the system side unchanged.</remarks>
internal sealed partial class KafkaConnectorApi(
    IKafkaConnectorSystemApi system, IKafkaAdminApi admin, PermissionGate gate, IKafkaConnectorStatus status, IKafkaReceiverControl receivers) : IKafkaConnectorApi
{
    private readonly IKafkaConnectorSystemApi _system = system;
    private readonly IKafkaAdminApi _admin = admin;
    private readonly PermissionGate _gate = gate;
    private readonly IKafkaConnectorStatus _status = status;
    private readonly IKafkaReceiverControl _receivers = receivers;

    public async Task<KafkaDeliveryResult> ProduceAsync(ClaimsPrincipal principal, KafkaMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        await _gate.DemandAsync(principal, KafkaConnectorAction.Produce, message.Topic, cancellationToken).ConfigureAwait(false);
        return await _system.ProduceAsync(message, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask EnqueueAsync(ClaimsPrincipal principal, KafkaMessage message, Action<KafkaDeliveryResult>? callback = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        await _gate.DemandAsync(principal, KafkaConnectorAction.Produce, message.Topic, cancellationToken).ConfigureAwait(false);
        if (callback is null)
        {
            _system.Enqueue(message);
        }
        else
        {
            _system.Enqueue(message, callback);
        }
    }

    public async Task<IObservable<KafkaMessage>> ConsumeReactiveAsync(
        ClaimsPrincipal principal,
        string? groupId,
        KafkaSubscription subscription,
        KafkaReactiveConsumeOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        await _gate.DemandAsync(principal, KafkaConnectorAction.Consume, subscription.Resources, cancellationToken).ConfigureAwait(false);
        return _system.ConsumeReactive(groupId, subscription, options);
    }

    public IAsyncEnumerable<KafkaMessage> ConsumeAsync(
        ClaimsPrincipal principal,
        string? groupId,
        KafkaSubscription subscription,
        KafkaConsumeStreamOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(principal);
        options ??= new KafkaConsumeStreamOptions();
        StreamSettings.Check(groupId, subscription, options);
        return CheckedAsync(principal, groupId, subscription, options, cancellationToken);
    }

    public async Task<IReadOnlyList<KafkaTopicResult>> CreateTopicsAsync(ClaimsPrincipal principal, IEnumerable<KafkaTopicSpec> topics, CancellationToken cancellationToken = default)
    {
        var list = Copy(topics, nameof(topics), t => t.Name);
        await _gate.DemandAsync(principal, KafkaConnectorAction.TopicAdd, list.Select(t => t.Name), cancellationToken).ConfigureAwait(false);
        return await _admin.CreateTopicsAsync(list, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<KafkaTopicResult>> DeleteTopicsAsync(ClaimsPrincipal principal, IEnumerable<string> topics, CancellationToken cancellationToken = default)
    {
        var list = Copy(topics, nameof(topics));
        await _gate.DemandAsync(principal, KafkaConnectorAction.TopicDelete, list, cancellationToken).ConfigureAwait(false);
        return await _admin.DeleteTopicsAsync(list, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<KafkaTopicDescription>> DescribeTopicsAsync(ClaimsPrincipal principal, IEnumerable<string> topics, CancellationToken cancellationToken = default)
    {
        var list = Copy(topics, nameof(topics));
        await _gate.DemandAsync(principal, KafkaConnectorAction.TopicDescribe, list, cancellationToken).ConfigureAwait(false);
        return await _admin.DescribeTopicsAsync(list, cancellationToken).ConfigureAwait(false);
    }

    public async Task AlterTopicConfigsAsync(ClaimsPrincipal principal, string topic, IReadOnlyDictionary<string, string?> changes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(topic);
        await _gate.DemandAsync(principal, KafkaConnectorAction.TopicAlter, topic, cancellationToken).ConfigureAwait(false);
        await _admin.AlterTopicConfigsAsync(topic, changes, cancellationToken).ConfigureAwait(false);
    }

    public async Task AddAclsAsync(ClaimsPrincipal principal, IEnumerable<KafkaAcl> acls, CancellationToken cancellationToken = default)
    {
        var list = Copy(acls, nameof(acls));
        await _gate.DemandAsync(principal, KafkaConnectorAction.AclAdd, list.Select(a => Resource(a.Topic, a.PatternType)), cancellationToken).ConfigureAwait(false);
        await _admin.AddAclsAsync(list, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<KafkaAcl>> DeleteAclsAsync(ClaimsPrincipal principal, IEnumerable<KafkaAcl> acls, CancellationToken cancellationToken = default)
    {
        var list = Copy(acls, nameof(acls));
        await _gate.DemandAsync(principal, KafkaConnectorAction.AclDelete, list.Select(a => Resource(a.Topic, a.PatternType)), cancellationToken).ConfigureAwait(false);
        return await _admin.DeleteAclsAsync(list, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<KafkaAcl>> ListAclsAsync(ClaimsPrincipal principal, KafkaAclFilter? filter = null, CancellationToken cancellationToken = default)
    {
        await _gate.DemandAsync(principal, KafkaConnectorAction.AclList, Resource(filter?.Topic, filter?.PatternType ?? ResourcePatternType.Any), cancellationToken).ConfigureAwait(false);
        return await _admin.ListAclsAsync(filter, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<KafkaGroupPartitionOffset>> ListGroupOffsetsAsync(
        ClaimsPrincipal principal, string groupId, IEnumerable<string>? topics = null, CancellationToken cancellationToken = default)
    {
        GroupInput.ValidateGroupId(groupId, nameof(groupId));
        var list = GroupInput.Topics(topics, nameof(topics));
        await _gate.DemandAsync(principal, KafkaConnectorAction.GroupDescribe, groupId, cancellationToken).ConfigureAwait(false);
        return await _admin.ListGroupOffsetsAsync(groupId, list, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<KafkaGroupOffsetChange>> ResetGroupOffsetsAsync(
        ClaimsPrincipal principal, string groupId, string topic, KafkaOffsetTarget target, IEnumerable<int>? partitions = null, CancellationToken cancellationToken = default)
    {
        GroupInput.ValidateGroupId(groupId, nameof(groupId));
        MessageValidator.ValidateTopicName(topic, nameof(topic));
        ArgumentNullException.ThrowIfNull(target);
        var list = GroupInput.Partitions(partitions, nameof(partitions));
        await _gate.DemandAsync(principal, KafkaConnectorAction.GroupReset, groupId, cancellationToken).ConfigureAwait(false);
        return await _admin.ResetGroupOffsetsAsync(groupId, topic, target, list, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<KafkaGroupListing>> ListGroupsAsync(ClaimsPrincipal principal, CancellationToken cancellationToken = default)
    {
        await _gate.DemandAsync(principal, KafkaConnectorAction.GroupList, PermissionRule.Everything, cancellationToken).ConfigureAwait(false);
        return await _admin.ListGroupsAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<KafkaGroupDescription>> DescribeGroupsAsync(ClaimsPrincipal principal, IEnumerable<string> groupIds, CancellationToken cancellationToken = default)
    {
        var list = GroupInput.GroupIds(groupIds, nameof(groupIds));
        await _gate.DemandAsync(principal, KafkaConnectorAction.GroupDescribe, list, cancellationToken).ConfigureAwait(false);
        return await _admin.DescribeGroupsAsync(list, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Each enumeration is checked before it reaches the system side, where its consumer is created.</summary>
    private async IAsyncEnumerable<KafkaMessage> CheckedAsync(
        ClaimsPrincipal principal, string? groupId, KafkaSubscription subscription, KafkaConsumeStreamOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await _gate.DemandAsync(principal, KafkaConnectorAction.Consume, subscription.Resources, cancellationToken).ConfigureAwait(false);
        await foreach (var message in _system.ConsumeAsync(groupId, subscription, options, cancellationToken).ConfigureAwait(false))
        {
            yield return message;
        }
    }

    /// <summary>
    /// The resource an ACL operation touches: the topic, <c>prefix*</c> for a prefixed pattern (so
    /// that a rule for <c>orders-*</c> covers it and a rule for <c>orders-eu</c> does not), <c>*</c> for none.
    /// </summary>
    internal static string Resource(string? topic, ResourcePatternType patternType) => topic switch
    {
        null => PermissionRule.Everything,
        _ when patternType == ResourcePatternType.Prefixed => topic + "*",
        _ => topic,
    };

    /// <summary>Enumerates the request once, so that what is checked is exactly what is sent.</summary>
    private static List<T> Copy<T>(IEnumerable<T> items, string parameter, Func<T, string?>? topicOf = null) =>
        KafkaAdminApi.Materialize(items, parameter, topicOf ?? (_ => null));
}
