using Confluent.Kafka;
using Confluent.Kafka.Admin;
using KafkaConnector.Producers;

namespace KafkaConnector.Admin;

/// <summary>
/// Moves a group's committed offsets on a topic, only while the group has no active member: a
/// described group with members is refused before anything is sent, and the broker refuses a
/// commit from outside the group when it has members, which covers brokers that do not describe
/// groups and members that join meanwhile. Either way nothing is changed.
/// </summary>
internal sealed class GroupOffsetResetter(AdminClientInvoker admin, OffsetQueries queries, ConsumerGroupAdmin groups)
{
    private const string Operation = "ResetGroupOffsets";

    /// <summary>What a broker answers a commit from outside a group that has members (classic and KIP-848 coordinators).</summary>
    private static readonly HashSet<ErrorCode> MemberRefusals =
        [ErrorCode.UnknownMemberId, ErrorCode.IllegalGeneration, ErrorCode.RebalanceInProgress, ErrorCode.StaleMemberEpoch, ErrorCode.FencedMemberEpoch];

    public async Task<IReadOnlyList<KafkaGroupOffsetChange>> ResetAsync(
        string groupId, string topic, KafkaOffsetTarget target, IEnumerable<int>? partitions, CancellationToken cancellationToken)
    {
        GroupInput.ValidateGroupId(groupId, nameof(groupId));
        MessageValidator.ValidateTopicName(topic, nameof(topic));
        ArgumentNullException.ThrowIfNull(target);
        var selected = GroupInput.Partitions(partitions, nameof(partitions));

        var all = await queries.PartitionsAsync([topic], cancellationToken).ConfigureAwait(false);
        var chosen = selected is null ? all : selected.ConvertAll(p => Existing(all, topic, p, nameof(partitions)));
        var description = await groups.DescribeOrNullAsync(groupId, cancellationToken).ConfigureAwait(false);
        if (description is { IsActive: true })
        {
            throw Active(groupId, description.Members, new Error(ErrorCode.NonEmptyGroup, $"the group is {description.State}"), null);
        }

        var offsets = await ResolveAsync(chosen, target, cancellationToken).ConfigureAwait(false);
        var previous = await queries.CommittedAsync(Operation, groupId, chosen, cancellationToken).ConfigureAwait(false);
        var request = new ConsumerGroupTopicPartitionOffsets(groupId, chosen.ConvertAll(p => new TopicPartitionOffset(p, offsets[p])));
        await admin.InvokeAsync(
            Operation,
            c => c.AlterConsumerGroupOffsetsAsync([request], new AlterConsumerGroupOffsetsOptions { RequestTimeout = admin.Timeout }),
            e => Refusal(e, groupId, description),
            cancellationToken).ConfigureAwait(false);

        var changes = chosen.ConvertAll(p => new KafkaGroupOffsetChange(p.Topic, p.Partition.Value, previous.GetValueOrDefault(p), offsets[p]));
        admin.Succeeded(Operation, $"group '{groupId}' to {target}: {string.Join(", ", changes.Select(c => $"{c.Topic}[{c.Partition}] {c.PreviousOffset?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"} -> {c.Offset}"))}");
        return changes;
    }

    private static TopicPartition Existing(List<TopicPartition> all, string topic, int partition, string parameter) =>
        all.Exists(p => p.Partition.Value == partition)
            ? new TopicPartition(topic, partition)
            : throw new ArgumentOutOfRangeException(parameter, partition, $"Topic '{topic}' has partitions 0 to {all.Count - 1}; partition {partition} does not exist.");

    /// <summary>The new offset of each partition; an explicit offset outside a partition's range is refused before anything changes.</summary>
    private async Task<Dictionary<TopicPartition, long>> ResolveAsync(List<TopicPartition> partitions, KafkaOffsetTarget target, CancellationToken cancellationToken)
    {
        if (target.Kind == KafkaOffsetTargetKind.Earliest)
        {
            return await queries.OffsetsAsync(Operation, partitions, OffsetSpec.Earliest(), cancellationToken).ConfigureAwait(false);
        }

        var ends = await queries.OffsetsAsync(Operation, partitions, OffsetSpec.Latest(), cancellationToken).ConfigureAwait(false);
        switch (target.Kind)
        {
            case KafkaOffsetTargetKind.Timestamp:
                var byTime = await queries.OffsetsAsync(Operation, partitions, OffsetSpec.ForTimestamp(target.Timestamp!.Value.ToUnixTimeMilliseconds()), cancellationToken).ConfigureAwait(false);
                // No message at or after the time: the end, as kafka-consumer-groups --to-datetime does.
                return partitions.ToDictionary(p => p, p => byTime[p] >= 0 ? byTime[p] : ends[p]);
            case KafkaOffsetTargetKind.Offset:
                var starts = await queries.OffsetsAsync(Operation, partitions, OffsetSpec.Earliest(), cancellationToken).ConfigureAwait(false);
                var offset = target.Offset!.Value;
                var outside = partitions.Where(p => offset < starts[p] || offset > ends[p]).ToList();
                if (outside.Count > 0)
                {
                    throw new ArgumentOutOfRangeException(
                        nameof(target),
                        offset,
                        $"Offset {offset} is outside {string.Join(", ", outside.Select(p => $"{OffsetQueries.Name(p)} (offsets {starts[p]} to {ends[p]})"))}; nothing was changed.");
                }

                return partitions.ToDictionary(p => p, _ => offset);
            default:
                return ends;
        }
    }

    private Exception? Refusal(KafkaException e, string groupId, KafkaGroupDescription? description)
    {
        var reports = e is AlterConsumerGroupOffsetsException a ? a.Results.SelectMany(r => OffsetQueries.Reports(r.Group, r.Error, r.Partitions)).ToList() : [];
        return reports.Select(r => r.Error).Append(e.Error).FirstOrDefault(error => MemberRefusals.Contains(error.Code)) is { } refused
            ? Active(groupId, description?.Members, refused, e)
            : admin.ItemFailures(Operation, $"group '{groupId}'", reports, e);
    }

    private KafkaGroupActiveException Active(string groupId, IReadOnlyList<KafkaGroupMember>? members, Error error, Exception? inner)
    {
        var refusal = new KafkaGroupActiveException(Operation, groupId, members, error, inner);
        AdminLog.Failed(admin.Logger, Operation, refusal.Message);
        return refusal;
    }
}
