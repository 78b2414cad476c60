using Confluent.Kafka;
using KafkaConnector.Receivers;
using Microsoft.Extensions.Logging;

namespace KafkaConnector.Engine;

/// <summary>
/// Resolves where newly assigned partitions start reading, and remembers for the life of the process,
/// per partition, the furthest position this node knows is safe to resume from: the start it resolved,
/// then the watermark it had when it gave the partition up. Called from the poll thread only.
/// </summary>
internal sealed class StartOffsetResolver(string? autoOffsetReset, DateTimeOffset startedAt, ILogger logger)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly string? _autoOffsetReset = autoOffsetReset;
    private readonly Dictionary<TopicPartition, long> _safe = [];

    /// <summary>Whether <c>auto.offset.reset</c> starts a partition without a commit at its beginning (librdkafka's spellings).</summary>
    public static bool StartsAtEarliest(string? autoOffsetReset) => autoOffsetReset is "earliest" or "smallest" or "beginning";

    /// <summary>
    /// Where each partition starts:
    /// <list type="number">
    /// <item>the group's committed offset, if it has one: it always wins, since another member may have
    /// held the partition and committed since this node last did;</item>
    /// <item>else where this node left the partition earlier in this process: a start it resolved but could
    /// not commit (a session lost before the first commit), or the watermark it had when the partition was
    /// revoked or lost. Resolving again would give a later end on a broker that cannot look offsets up by
    /// time, and skip what was written in between;</item>
    /// <item>else (unless the configuration asks for earliest) the first message written since this node
    /// started, by time; where the broker finds none, the end read just before that lookup. The start time
    /// does not change, so a new node does not replay the layer's history.</item>
    /// </list>
    /// A start the node chose itself is set on the partition's tracker, for the caller to commit at once.
    /// </summary>
    public List<TopicPartitionOffset> Resolve(IOffsetLookup lookup, List<TopicPartition> partitions, Func<TopicPartition, PartitionTracker> trackerOf)
    {
        if (StartsAtEarliest(_autoOffsetReset))
        {
            return Unset(partitions); // librdkafka: the committed offset, else the beginning; nothing is ever skipped
        }

        List<TopicPartitionOffset> committed;
        try
        {
            committed = lookup.Committed(partitions, Timeout);
        }
        catch (KafkaException e)
        {
            // Without the committed offsets nothing else may be chosen: librdkafka reads them itself.
            Failed(e);
            return Unset(partitions);
        }

        var start = new List<TopicPartitionOffset>(partitions.Count);
        var unknown = new List<TopicPartition>();
        foreach (var offset in committed)
        {
            if (offset.Offset.Value >= 0)
            {
                _safe[offset.TopicPartition] = offset.Offset.Value;
                start.Add(offset);
            }
            else if (_safe.TryGetValue(offset.TopicPartition, out var safe))
            {
                start.Add(Begin(offset.TopicPartition, safe, trackerOf));
            }
            else
            {
                unknown.Add(offset.TopicPartition);
            }
        }

        if (unknown.Count > 0)
        {
            start.AddRange(FirstSinceStart(lookup, unknown, trackerOf));
        }

        return start;
    }

    /// <summary>
    /// The node gave the partition up (revoked or lost) with every offset before the tracker's watermark
    /// finished: where it resumes if it gets the partition back while the group has no committed offset.
    /// </summary>
    public void Released(PartitionTracker tracker)
    {
        var watermark = tracker.Watermark;
        if (watermark >= 0) // unset: nothing read and no start resolved; what was remembered still holds
        {
            _safe[tracker.Partition] = watermark;
        }
    }

    private static List<TopicPartitionOffset> Unset(List<TopicPartition> partitions) => [.. partitions.Select(p => new TopicPartitionOffset(p, Offset.Unset))];

    private List<TopicPartitionOffset> FirstSinceStart(IOffsetLookup lookup, List<TopicPartition> partitions, Func<TopicPartition, PartitionTracker> trackerOf)
    {
        try
        {
            // The end is read before the lookup by time: a message written in between is found by the lookup.
            var ends = partitions.ToDictionary(p => p, p => lookup.End(p, Timeout));
            var sinceStart = lookup.OffsetsForTimes(partitions.Select(p => new TopicPartitionTimestamp(p, new Timestamp(startedAt))), Timeout);
            return [.. sinceStart.Select(found => Begin(found.TopicPartition, found.Offset.Value >= 0 ? found.Offset.Value : ends[found.TopicPartition], trackerOf))];
        }
        catch (KafkaException e)
        {
            Failed(e);
            return Unset(partitions);
        }
    }

    private TopicPartitionOffset Begin(TopicPartition partition, long offset, Func<TopicPartition, PartitionTracker> trackerOf)
    {
        trackerOf(partition).StartAt(offset);
        _safe[partition] = offset;
        return new TopicPartitionOffset(partition, offset);
    }

    private void Failed(KafkaException e) => DispatchLog.ConsumeError(logger, e.Error.Code, "resolving start offsets: " + e.Error.Reason);
}
