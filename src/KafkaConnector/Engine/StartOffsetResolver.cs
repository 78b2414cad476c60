using Confluent.Kafka;
using KafkaConnector.Receivers;
using Microsoft.Extensions.Logging;

namespace KafkaConnector.Engine;

/// <summary>Resolves where newly assigned partitions start reading.</summary>
internal sealed class StartOffsetResolver(string? autoOffsetReset, DateTimeOffset startedAt, ILogger logger)
{
    private readonly string? _autoOffsetReset = autoOffsetReset;

    /// <summary>
    /// Where each partition starts: the group's committed offset; else (unless the configuration
    /// asks for earliest) the first message written since this node started. Resolving by the start
    /// time, not "the end now", gives the same answer at every assignment, so a rebalance before the
    /// first commit cannot skip a message, and a new node does not replay the layer's history.
    /// </summary>
    public List<TopicPartitionOffset> Resolve(IConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions, Func<TopicPartition, PartitionTracker> trackerOf)
    {
        if (_autoOffsetReset is "earliest" or "smallest" or "beginning")
        {
            return [.. partitions.Select(p => new TopicPartitionOffset(p, Offset.Unset))];
        }

        var timeout = TimeSpan.FromSeconds(10);
        try
        {
            var committed = consumer.Committed(partitions, timeout);
            var unset = committed.Where(c => c.Offset == Offset.Unset).Select(c => c.TopicPartition).ToList();
            // The end is read before the lookup by time: a message written in between is found by the lookup.
            var ends = unset.ToDictionary(p => p, p => consumer.QueryWatermarkOffsets(p, timeout).High);
            var sinceStart = unset.Count == 0 ? [] : consumer.OffsetsForTimes(unset.Select(p => new TopicPartitionTimestamp(p, new Timestamp(startedAt))), timeout);
            var start = committed.Where(c => c.Offset != Offset.Unset).ToList();
            foreach (var found in sinceStart)
            {
                var offset = found.Offset.Value >= 0 ? found.Offset : ends[found.TopicPartition];
                trackerOf(found.TopicPartition).StartAt(offset.Value);
                start.Add(new TopicPartitionOffset(found.TopicPartition, offset));
            }

            return start;
        }
        catch (KafkaException e)
        {
            DispatchLog.ConsumeError(logger, e.Error.Code, "resolving start offsets: " + e.Error.Reason);
            return [.. partitions.Select(p => new TopicPartitionOffset(p, Offset.Unset))];
        }
    }
}
