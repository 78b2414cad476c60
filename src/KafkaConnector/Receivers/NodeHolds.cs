using Confluent.Kafka;
using KafkaConnector.Engine;
using Microsoft.Extensions.Logging;

namespace KafkaConnector.Receivers;

/// <summary>
/// The poll thread's side of the holds receivers' error policies ask for (<see cref="PartitionHolds"/>):
/// a held partition is paused and kept paused; when its hold ends it resumes or, if messages behind the
/// held one were left unprocessed, is read again from its watermark once its running work settled (the
/// held message is finished by then). Also the one way the dispatcher reads a partition again, so that
/// a hold never outlives the tracker it was taken under. Runs on the poll thread only.
/// </summary>
internal sealed class NodeHolds(PartitionHolds requests, ConsumerAssignment assignment, ILogger logger)
{
    private readonly List<(PartitionHold Hold, PartitionTracker Tracker)> _rewinds = [];

    /// <summary>Applies the holds started and ended since the last call, and the rewinds now due.</summary>
    public void Apply(IConsumer<byte[], byte[]> consumer)
    {
        while (requests.TryTake(out var change))
        {
            var partition = change.Hold.Partition;
            if (!assignment.TryGet(partition, out var tracker) || tracker.Cancellation.Token != change.Hold.Assignment)
            {
                requests.Rewound(change.Hold); // revoked or read again since: the hold went with that assignment
                continue;
            }

            switch (change.Kind)
            {
                case HoldChangeKind.Held:
                    assignment.Flow.Hold(partition);
                    break;
                case HoldChangeKind.Released:
                    assignment.Flow.Release(partition);
                    break;
                default:
                    _rewinds.Add((change.Hold, tracker));
                    break;
            }
        }

        for (var i = _rewinds.Count - 1; i >= 0; i--)
        {
            var (hold, tracker) = _rewinds[i];
            if (tracker.Outstanding > 0 && !tracker.Revoked)
            {
                continue;
            }

            _rewinds.RemoveAt(i);
            if (Rewind(consumer, tracker) is { } watermark)
            {
                DispatchLog.RewoundAfterHold(logger, hold.Partition.Topic, hold.Partition.Partition.Value, watermark);
            }

            requests.Rewound(hold);
        }
    }

    /// <summary>
    /// Reads the partition of <paramref name="tracker"/> again from its watermark, with a fresh tracker;
    /// a hold taken under the old one ends (its holder gives up) and the partition may resume. Returns
    /// the offset read from, or null when the tracker is no longer the partition's current one.
    /// </summary>
    public long? Rewind(IConsumer<byte[], byte[]> consumer, PartitionTracker tracker)
    {
        if (assignment.Rewind(tracker) is not { } watermark)
        {
            return null;
        }

        consumer.Seek(new TopicPartitionOffset(tracker.Partition, watermark));
        requests.Revoked([tracker.Partition]);
        assignment.Flow.Release(tracker.Partition);
        return watermark;
    }
}
