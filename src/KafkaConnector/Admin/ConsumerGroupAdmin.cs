using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace KafkaConnector.Admin;

/// <summary>Lists and describes consumer groups (ListGroups, DescribeGroups), and tells whether a group has active members.</summary>
internal sealed class ConsumerGroupAdmin(AdminClientInvoker admin)
{
    /// <summary>What to do when the broker serves no group administration.</summary>
    internal const string Advice =
        "The embedded test broker (librdkafka's mock cluster) serves neither ListGroups nor DescribeGroups: list and describe groups on a real Kafka cluster "
        + "(e.g. set KAFKA_BOOTSTRAP_SERVERS). A named group's offsets and lag on named topics, and offset resets, work there.";

    /// <summary>A group id described only to learn whether the broker serves DescribeGroups; describing changes nothing.</summary>
    internal const string ProbeGroupId = "kafkaconnector-probe";

    public async Task<IReadOnlyList<KafkaGroupListing>> ListAsync(CancellationToken cancellationToken)
    {
        // librdkafka's ListConsumerGroups takes the whole process down (SIGSEGV) when the broker does not
        // serve ListGroups, as on the embedded broker. DescribeGroups came with ListGroups (Kafka 0.9) and
        // fails cleanly there, so a broker that cannot describe a group is not asked to list them.
        await admin.InvokeAsync("ListGroups", ProbeAsync, e => Failures("ListGroups", e), cancellationToken).ConfigureAwait(false);
        var result = await admin.InvokeAsync(
            "ListGroups",
            c => c.ListConsumerGroupsAsync(new ListConsumerGroupsOptions { RequestTimeout = admin.Timeout }),
            e => e is ListConsumerGroupsException l
                ? admin.ItemFailures("ListGroups", "the cluster's brokers", l.Results.Errors.Select(error => ("a broker", error)), e, Advice)
                : admin.ItemFailures("ListGroups", "the cluster", [], e, Advice),
            cancellationToken).ConfigureAwait(false);
        return [.. result.Valid
            .OrderBy(g => g.GroupId, StringComparer.Ordinal)
            .Select(g => new KafkaGroupListing(g.GroupId, g.State, g.Type, g.IsSimpleConsumerGroup))];
    }

    public async Task<IReadOnlyList<KafkaGroupDescription>> DescribeAsync(IEnumerable<string> groupIds, CancellationToken cancellationToken)
    {
        var ids = GroupInput.GroupIds(groupIds, nameof(groupIds));
        return ids.Count == 0 ? [] : await DescribeCoreAsync("DescribeGroups", ids, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The group's description, or null when the broker does not describe groups (the refusal is logged, event 3102).</summary>
    public async Task<KafkaGroupDescription?> DescribeOrNullAsync(string groupId, CancellationToken cancellationToken)
    {
        try
        {
            return (await DescribeCoreAsync("DescribeGroups", [groupId], cancellationToken).ConfigureAwait(false))[0];
        }
        catch (KafkaAdminNotSupportedException)
        {
            return null;
        }
    }

    private async Task<IReadOnlyList<KafkaGroupDescription>> DescribeCoreAsync(string operation, List<string> groupIds, CancellationToken cancellationToken)
    {
        var descriptions = await admin.InvokeAsync(
            operation,
            c => DescribeKnownOrUnknownAsync(c, groupIds),
            e => Failures(operation, e),
            cancellationToken).ConfigureAwait(false);
        return ToDescriptions(groupIds, descriptions);
    }

    private Exception? Failures(string operation, KafkaException e) =>
        admin.ItemFailures(
            operation,
            "groups",
            (e as DescribeConsumerGroupsException)?.Results.ConsumerGroupDescriptions.Select(d => ($"group '{d.GroupId}'", d.Error ?? new Error(ErrorCode.NoError))) ?? [],
            e,
            Advice);

    /// <summary>
    /// Describes the probe group to learn whether the broker serves DescribeGroups. An answer with an
    /// error of the group's own (not authorized to describe it, say) still shows that it does.
    /// </summary>
    private async Task<bool> ProbeAsync(IAdminClient client)
    {
        try
        {
            await client.DescribeConsumerGroupsAsync([ProbeGroupId], new DescribeConsumerGroupsOptions { RequestTimeout = admin.Timeout }).ConfigureAwait(false);
        }
        catch (DescribeConsumerGroupsException e) when (!e.Results.ConsumerGroupDescriptions.Exists(d => d.Error is { } error && AdminClientInvoker.IsNotSupported(error)))
        {
            // Served: the broker described the group, with an error that concerns only that group.
        }

        return true;
    }

    /// <summary>
    /// Describes the groups; a group the broker does not know is no failure: classic coordinators
    /// describe it as Dead, KIP-848 ones answer GroupIdNotFound, and both become a Dead description.
    /// </summary>
    private async Task<List<ConsumerGroupDescription>> DescribeKnownOrUnknownAsync(IAdminClient client, List<string> groupIds)
    {
        try
        {
            var result = await client.DescribeConsumerGroupsAsync(groupIds, new DescribeConsumerGroupsOptions { RequestTimeout = admin.Timeout }).ConfigureAwait(false);
            return result.ConsumerGroupDescriptions;
        }
        catch (DescribeConsumerGroupsException e) when (e.Results.ConsumerGroupDescriptions.All(d => d.Error is not { IsError: true } || d.Error.Code == ErrorCode.GroupIdNotFound))
        {
            return e.Results.ConsumerGroupDescriptions;
        }
    }

    private static List<KafkaGroupDescription> ToDescriptions(List<string> groupIds, List<ConsumerGroupDescription> descriptions)
    {
        var byId = descriptions.ToDictionary(d => d.GroupId, StringComparer.Ordinal);
        return groupIds.ConvertAll(id => byId.TryGetValue(id, out var d) && d.Error?.Code != ErrorCode.GroupIdNotFound
            ? new KafkaGroupDescription(
                d.GroupId,
                d.State,
                d.GroupType,
                d.IsSimpleConsumerGroup,
                d.PartitionAssignor ?? "",
                d.Coordinator?.Id,
                d.Members.ConvertAll(m => new KafkaGroupMember(m.ConsumerId, m.ClientId, m.Host, m.GroupInstanceId, m.Assignment?.TopicPartitions ?? [])))
            : new KafkaGroupDescription(id, ConsumerGroupState.Dead, ConsumerGroupType.Unknown, false, "", null, []));
    }
}
