using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace KafkaConnector.Admin;

/// <summary>A group's committed offset, the partition's end and the lag, per partition (OffsetFetch, ListOffsets).</summary>
internal sealed class GroupOffsetLister(AdminClientInvoker admin, OffsetQueries queries, ConsumerGroupAdmin groups)
{
    private const string Operation = "ListGroupOffsets";

    private const string WithoutTopicsAdvice =
        "Without topics, a group's offsets are fetched for every topic at once; the embedded test broker (librdkafka's mock cluster) answers that with nothing "
        + "and serves no DescribeGroups to tell an empty group apart. Name the group's topics.";

    public async Task<IReadOnlyList<KafkaGroupPartitionOffset>> ListAsync(string groupId, IEnumerable<string>? topics, CancellationToken cancellationToken)
    {
        GroupInput.ValidateGroupId(groupId, nameof(groupId));
        var names = GroupInput.Topics(topics, nameof(topics));
        var partitions = names is null ? null : await queries.PartitionsAsync(names, cancellationToken).ConfigureAwait(false);
        var committed = await queries.CommittedAsync(Operation, groupId, partitions, cancellationToken).ConfigureAwait(false);
        if (partitions is null && committed.Count == 0 && await groups.DescribeOrNullAsync(groupId, cancellationToken).ConfigureAwait(false) is null)
        {
            // Nothing committed, or a broker that cannot fetch all of a group's offsets: only a broker that describes groups can be taken at its word.
            throw admin.NotSupported(Operation, new Error(ErrorCode.Local_UnsupportedFeature, "no committed offsets for all topics, and no DescribeGroups"), null, WithoutTopicsAdvice);
        }

        var ordered = partitions ?? [.. committed.Keys.OrderBy(p => p.Topic, StringComparer.Ordinal).ThenBy(p => p.Partition.Value)];
        if (ordered.Count == 0)
        {
            return [];
        }

        var ends = await queries.OffsetsAsync(Operation, ordered, OffsetSpec.Latest(), cancellationToken).ConfigureAwait(false);
        return ordered.ConvertAll(p => new KafkaGroupPartitionOffset(p.Topic, p.Partition.Value, committed.GetValueOrDefault(p), ends[p]));
    }
}
