using Confluent.Kafka;

namespace KafkaConnector.Engine;

/// <summary>
/// The partitions one consumer owns now, each with its <see cref="PartitionTracker"/> (a new one per
/// assignment, so work read before a revocation can never commit after it) and its pause state in
/// the <see cref="FlowController"/>, and the commits of their watermarks. Used by the node's
/// dispatcher and by reactive streams. Called from the consumer's poll thread only (librdkafka runs
/// the rebalance callbacks there too).
/// </summary>
internal sealed class ConsumerAssignment(FlowController flow, CancellationToken stopping)
{
    private readonly Dictionary<TopicPartition, PartitionTracker> _partitions = [];
    private WatermarkCommitter? _committer;
    private PartitionTracker? _last;
    private Func<TopicPartition, int>? _unfinished;

    public FlowController Flow { get; } = flow;

    /// <summary>The trackers of the partitions owned now.</summary>
    public IReadOnlyCollection<PartitionTracker> Trackers => _partitions.Values;

    /// <summary>The tracker the last message was read for (flow control asks about its partition after every message).</summary>
    public PartitionTracker? LastRead => _last;

    /// <summary>A partition's messages read and not yet committable (0 when not owned).</summary>
    public Func<TopicPartition, int> Unfinished => _unfinished ??= p => _partitions.TryGetValue(p, out var tracker) ? tracker.Unfinished : 0;

    /// <summary>The tracker of a message just read. Consume returns runs of one partition: most messages skip the lookup.</summary>
    public PartitionTracker For(ConsumeResult<byte[], byte[]> result)
    {
        var tracker = _last;
        if (tracker is null || tracker.Partition.Partition.Value != result.Partition.Value || tracker.Revoked
            || !string.Equals(tracker.Partition.Topic, result.Topic, StringComparison.Ordinal))
        {
            if (!_partitions.TryGetValue(result.TopicPartition, out tracker))
            {
                // Read before its assignment was seen (an assign() without a callback): track it all the same.
                tracker = _partitions[result.TopicPartition] = new PartitionTracker(result.TopicPartition, stopping);
            }

            _last = tracker;
        }

        return tracker;
    }

    public PartitionTracker this[TopicPartition partition] => _partitions[partition];

    /// <summary>The tracker of a partition owned now.</summary>
    public bool TryGet(TopicPartition partition, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out PartitionTracker tracker) =>
        _partitions.TryGetValue(partition, out tracker);

    /// <summary>Partitions added to the assignment, eager or incremental: fresh trackers, pause state re-established on the next flow check.</summary>
    public void Assigned(IReadOnlyCollection<TopicPartition> partitions)
    {
        foreach (var partition in partitions)
        {
            _partitions[partition] = new PartitionTracker(partition, stopping);
        }

        _last = null;
        Flow.Assigned(partitions);
    }

    /// <summary>Partitions revoked or lost: their trackers are marked revoked (queued work for them is dropped) and returned.</summary>
    public List<PartitionTracker> Revoked(IReadOnlyCollection<TopicPartition> partitions)
    {
        Flow.Revoked(partitions);
        var trackers = new List<PartitionTracker>(partitions.Count);
        foreach (var partition in partitions)
        {
            if (_partitions.Remove(partition, out var tracker))
            {
                tracker.Revoke();
                trackers.Add(tracker);
            }
        }

        _last = null;
        return trackers;
    }

    /// <summary>Commits what moved among <paramref name="trackers"/> (all owned partitions by default); returns how many partitions were committed.</summary>
    public int Commit(IConsumer<byte[], byte[]> consumer, Action<KafkaException> failed, IEnumerable<PartitionTracker>? trackers = null)
    {
        _committer ??= new WatermarkCommitter(offsets => consumer.Commit(offsets), failed);
        return _committer.Commit(trackers ?? _partitions.Values);
    }

    /// <summary>
    /// Pauses and resumes partitions as their load asks (<see cref="FlowController"/>), when due.
    /// Before pausing a partition it waits up to <paramref name="grace"/> for its work to drain, woken
    /// by <paramref name="finished"/>: pausing makes librdkafka drop what it fetched ahead, and after a
    /// resume it fetches nothing for a while; worth it for a slow or hung key, not for a burst.
    /// </summary>
    /// <returns>How many partitions were paused and resumed.</returns>
    public (int Paused, int Resumed) ApplyFlow(IPartitionPauser consumer, Func<int> total, ManualResetEventSlim? finished = null, TimeSpan grace = default)
    {
        if (!Flow.IsDue(total(), _last?.Unfinished ?? 0))
        {
            return (0, 0);
        }

        if (finished is not null && Flow.WouldPause(total(), Unfinished))
        {
            var waited = System.Diagnostics.Stopwatch.StartNew();
            for (var left = grace; left > TimeSpan.Zero; left = grace - waited.Elapsed)
            {
                finished.Reset(); // before the check: a message finishing in between still wakes the wait
                if (!Flow.WouldPause(total(), Unfinished))
                {
                    break;
                }

                finished.Wait(left);
            }
        }

        return Flow.Apply(consumer, total(), Unfinished);
    }

    /// <summary>
    /// Work of <paramref name="faulted"/> failed outside any handler and can never finish: the
    /// partition gets a fresh tracker that starts at the old watermark, and the consumer must seek
    /// there. Returns that offset, or null when the partition was revoked or rewound since.
    /// </summary>
    public long? Rewind(PartitionTracker faulted)
    {
        if (!_partitions.TryGetValue(faulted.Partition, out var current) || !ReferenceEquals(current, faulted))
        {
            return null; // its next owner reads it from the committed offset
        }

        faulted.Revoke();
        var watermark = faulted.Watermark; // at least the failed offset was read, so it is set
        var fresh = _partitions[faulted.Partition] = new PartitionTracker(faulted.Partition, stopping);
        _last = null;
        fresh.StartAt(watermark);
        fresh.Committed(faulted.CommittedOffset);
        return watermark;
    }
}
