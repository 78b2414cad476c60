using System.Diagnostics;
using Confluent.Kafka;
using KafkaConnector.Diagnostics;
using KafkaConnector.Engine;

namespace KafkaConnector.Receivers;

/// <summary>
/// The dispatcher's side of runtime control and status: the partitions a pause asks for (applied by
/// flow control on the poll thread, then acknowledged), and a snapshot of the owned partitions that
/// other threads read, refreshed by the poll thread after a rebalance or a pause and twice a second.
/// </summary>
internal sealed partial class KafkaDispatcher
{
    private static readonly TimeSpan StatusInterval = TimeSpan.FromMilliseconds(500);

    private readonly Dictionary<string, bool> _suspendedTopics = new(StringComparer.Ordinal);
    private readonly Stopwatch _sinceStatus = new();
    private readonly List<TopicPartition> _notFetched = [];
    private EndOffsets? _endOffsets;
    private volatile IReadOnlyList<KafkaPartitionStatus> _partitionStatus = [];
    private volatile bool _statusDue = true;
    private bool _startsAtEarliest;
    private int _controlVersion;
    private int _appliedVersion;

    /// <summary>The partitions this dispatcher's consumer owns, as its poll thread last saw them.</summary>
    internal IReadOnlyList<KafkaPartitionStatus> AssignedPartitions => _partitionStatus;

    /// <summary>The last control version the poll thread applied (see <see cref="ConsumptionControl"/>).</summary>
    internal int AppliedControlVersion => Volatile.Read(ref _appliedVersion);

    /// <summary>Flow control asks this for each partition: paused on request (the node, or a paused receiver reading its topic).</summary>
    private bool IsSuspended(TopicPartition partition)
    {
        if (_control.NodePaused)
        {
            return true;
        }

        if (!_suspendedTopics.TryGetValue(partition.Topic, out var suspended))
        {
            suspended = _suspendedTopics[partition.Topic] = Receivers.Any(r => r.IsPaused && !r.IsInternal && r.Filter.Matches(partition.Topic, _scope!.Topics));
        }

        return suspended;
    }

    /// <summary>Poll thread, before flow control: a pause or resume asked for since the last poll is considered.</summary>
    private int TakeControlChanges()
    {
        var version = _control.Version;
        if (version != _controlVersion)
        {
            _controlVersion = version;
            _suspendedTopics.Clear();
            _assignment!.Flow.Reconsider();
            _statusDue = true;
        }

        return version;
    }

    /// <summary>Poll thread, after flow control: acknowledges the applied version and refreshes the snapshot when due.</summary>
    private void PublishStatus(IConsumer<byte[], byte[]> consumer, int appliedVersion)
    {
        Volatile.Write(ref _appliedVersion, appliedVersion);
        if (!_statusDue && _sinceStatus.IsRunning && _sinceStatus.Elapsed < StatusInterval)
        {
            return;
        }

        _statusDue = false;
        _sinceStatus.Restart();
        var assignment = _assignment!;
        var ends = _endOffsets ??= new EndOffsets(e => _metrics.ClientError("status.end_offsets"));
        var partitions = new List<KafkaPartitionStatus>(assignment.Trackers.Count);
        _notFetched.Clear();
        foreach (var tracker in assignment.Trackers)
        {
            var paused = assignment.Flow.IsPaused(tracker.Partition);
            var fetched = consumer.GetWatermarkOffsets(tracker.Partition); // cached from fetches: no request
            var asked = ends.Of(tracker.Partition);
            long? end = fetched.High.IsSpecial ? asked?.High.Value : Math.Max(fetched.High.Value, asked?.High.Value ?? 0);
            if (paused || fetched.High.IsSpecial)
            {
                _notFetched.Add(tracker.Partition);
            }

            long? committed = tracker.CommittedOffset >= 0 ? tracker.CommittedOffset : null;
            // Nothing read nor committed yet: the consumer starts where auto.offset.reset puts it.
            long? start = asked is { } a ? (_startsAtEarliest ? a.Low.Value : a.High.Value) : null;
            long? done = tracker.Watermark >= 0 ? tracker.Watermark : committed ?? start;
            long? lag = end is { } e && done is { } d ? Math.Max(0, e - d) : null;
            partitions.Add(new KafkaPartitionStatus(tracker.Partition.Topic, tracker.Partition.Partition.Value, committed, end, lag, (int)Math.Min(int.MaxValue, tracker.UnfinishedOffsets), paused));
        }

        ends.Retain(assignment.Trackers.Select(t => t.Partition));
        ends.RefreshIfDue(consumer, [.. _notFetched]);

        partitions.Sort((a, b) => a.Topic == b.Topic ? a.Partition.CompareTo(b.Partition) : string.CompareOrdinal(a.Topic, b.Topic));
        _partitionStatus = partitions;
    }
}
