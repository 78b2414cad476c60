using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace KafkaConnector.Admin;

/// <summary>The reads the consumer-group operations share: a topic's partitions, a group's committed offsets, partition offsets by position or time.</summary>
internal sealed class OffsetQueries(AdminClientInvoker admin)
{
    /// <summary>How a partition is named in messages: <c>orders[2]</c>.</summary>
    public static string Name(TopicPartition partition) => $"{partition.Topic}[{partition.Partition.Value}]";

    /// <summary>Every partition of the topics, topic by topic in request order, partitions ascending.</summary>
    /// <exception cref="KafkaTopicOperationException">A topic does not exist or could not be described.</exception>
    public async Task<List<TopicPartition>> PartitionsAsync(IReadOnlyList<string> topics, CancellationToken cancellationToken)
    {
        var described = await admin.DescribeTopicsAsync(topics, cancellationToken).ConfigureAwait(false);
        var byName = described.TopicDescriptions.ToDictionary(d => d.Name, StringComparer.Ordinal);
        return [.. topics.SelectMany(t => byName[t].Partitions.Select(p => new TopicPartition(t, p.Partition)).OrderBy(p => p.Partition.Value))];
    }

    /// <summary>
    /// The group's committed offset on each partition (null: none), or on every partition it has
    /// committed on when <paramref name="partitions"/> is null.
    /// </summary>
    public async Task<Dictionary<TopicPartition, long?>> CommittedAsync(string operation, string groupId, IReadOnlyList<TopicPartition>? partitions, CancellationToken cancellationToken)
    {
        var request = new ConsumerGroupTopicPartitions(groupId, partitions?.ToList());
        var results = await admin.InvokeAsync(
            operation,
            c => c.ListConsumerGroupOffsetsAsync([request], new ListConsumerGroupOffsetsOptions { RequestTimeout = admin.Timeout }),
            e => e is ListConsumerGroupOffsetsException l
                ? admin.ItemFailures(operation, $"group '{groupId}'", l.Results.SelectMany(r => Reports(r.Group, r.Error, r.Partitions)), e)
                : null,
            cancellationToken).ConfigureAwait(false);
        return results.SelectMany(r => r.Partitions).ToDictionary(p => p.TopicPartition, p => p.Offset.Value >= 0 ? p.Offset.Value : (long?)null);
    }

    /// <summary>
    /// Each partition's offset for <paramref name="spec"/>: earliest, latest (the high watermark) or
    /// the first at or after a time (-1 when no message is that recent).
    /// </summary>
    public async Task<Dictionary<TopicPartition, long>> OffsetsAsync(string operation, IReadOnlyList<TopicPartition> partitions, OffsetSpec spec, CancellationToken cancellationToken)
    {
        var request = partitions.Select(p => new TopicPartitionOffsetSpec { TopicPartition = p, OffsetSpec = spec }).ToList();
        var result = await admin.InvokeAsync(
            operation,
            c => c.ListOffsetsAsync(request, new ListOffsetsOptions { RequestTimeout = admin.Timeout, IsolationLevel = IsolationLevel.ReadUncommitted }),
            e => e is ListOffsetsException l
                ? admin.ItemFailures(operation, "the partitions' offsets", l.Result.ResultInfos.Select(r => (Name(r.TopicPartitionOffsetError.TopicPartition), r.TopicPartitionOffsetError.Error)), e)
                : null,
            cancellationToken).ConfigureAwait(false);
        return result.ResultInfos.ToDictionary(r => r.TopicPartitionOffsetError.TopicPartition, r => r.TopicPartitionOffsetError.Offset.Value);
    }

    /// <summary>A group-level error and the per-partition ones of one group's report.</summary>
    public static IEnumerable<(string Item, Error Error)> Reports(string groupId, Error? groupError, IEnumerable<TopicPartitionOffsetError> partitions) =>
        partitions.Select(p => (Name(p.TopicPartition), p.Error)).Prepend(($"group '{groupId}'", groupError ?? new Error(ErrorCode.NoError)));
}
