using System.Collections.Concurrent;
using Confluent.Kafka;

namespace KafkaConnector.Engine;

/// <summary>
/// Partitions held by receivers' error policies, between the receiver calls that hold them and the poll
/// thread that owns the consumer. A call starts a hold for a failing message (or for a stopped
/// receiver) and ends it; the poll thread takes the changes (<see cref="TryTake"/>) and pauses,
/// resumes or reads the partition again. A hold belongs to one assignment of its partition, told
/// apart by the cancellation token its messages carry; a revocation or the node's stop ends it.
/// <list type="bullet">
/// <item>While a partition is held, its messages after the held one are not processed (<see cref="ShouldDefer"/>):
/// they stay uncommitted, and when the hold ends the partition is read again from its watermark, so
/// nothing is delivered past the held message and a waiting message never takes a scheduler slot.</item>
/// <item>The held message is the earliest failing one: a failing message before it takes the hold over,
/// and the former holder waits like the others. So when the hold ends everything before the held message
/// is finished, and reading the partition again delivers the held message once only.</item>
/// <item>Partitions of the node's own topics are never paused nor deferred: their holds only retry.</item>
/// </list>
/// </summary>
internal sealed class PartitionHolds(Func<TopicPartition, bool> exempt)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Topic, int Partition), PartitionHold> _held = [];
    private readonly HashSet<PartitionHold> _unpaused = [];
    private readonly ConcurrentQueue<HoldChange> _changes = new();
    private int _count;

    /// <summary>Partitions held now; read without a lock on every message, so that no hold costs nothing.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Whether a message of this partition and assignment must wait: the partition is held by an earlier message, or for a stopped receiver.</summary>
    public bool ShouldDefer(string topic, int partition, long offset, CancellationToken assignment)
    {
        if (Volatile.Read(ref _count) == 0)
        {
            return false;
        }

        lock (_lock)
        {
            if (_held.TryGetValue((topic, partition), out var hold) && hold.Assignment == assignment && (offset > hold.Offset || hold.State == HoldState.Stopped))
            {
                hold.Deferred = true;
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Holds the partition for a failing message that will be retried until it succeeds. Null when
    /// the partition is held already by an earlier message: this one waits like the others
    /// (<see cref="ShouldDefer"/>). A message before the holder takes the hold over.
    /// </summary>
    public PartitionHold? TryHold(string topic, int partition, long offset, CancellationToken assignment) =>
        Start(topic, partition, offset, HoldState.Holding, assignment);

    /// <summary>Holds the partition for good (until revoked) for a stopped receiver's message; nothing is retried.</summary>
    public void HoldStopped(string topic, int partition, long offset, CancellationToken assignment) =>
        Start(topic, partition, offset, HoldState.Stopped, assignment);

    /// <summary>The held message succeeded, or goes to its final action: the partition goes on.</summary>
    public void Release(PartitionHold hold)
    {
        lock (_lock)
        {
            if (hold.State != HoldState.Holding)
            {
                return; // revoked meanwhile
            }

            if (!hold.Pauses)
            {
                _unpaused.Remove(hold);
                hold.State = HoldState.Ended;
                return;
            }

            // Deferred messages were left unprocessed: keep deferring until the poll thread reads the partition again.
            hold.State = hold.Deferred ? HoldState.Rewinding : HoldState.Ended;
            if (!hold.Deferred)
            {
                Remove(hold);
            }

            _changes.Enqueue(new HoldChange(hold, hold.Deferred ? HoldChangeKind.ReleasedRewind : HoldChangeKind.Released));
        }
    }

    /// <summary>The held message's receiver stopped: the partition stays held, with nothing retried.</summary>
    public void Stop(PartitionHold hold)
    {
        lock (_lock)
        {
            if (hold.State == HoldState.Holding)
            {
                hold.State = HoldState.Stopped;
                _unpaused.Remove(hold);
            }
        }
    }

    /// <summary>
    /// A stopped receiver was restarted: the holds it left on partitions that <paramref name="belongs"/>
    /// to it end, and those partitions are read again from their watermark (the failed message first).
    /// </summary>
    /// <returns>How many holds ended.</returns>
    public int ReleaseStopped(Func<TopicPartition, bool> belongs)
    {
        var released = 0;
        lock (_lock)
        {
            foreach (var hold in _held.Values.Where(h => h.State == HoldState.Stopped && belongs(h.Partition)).ToList())
            {
                hold.State = HoldState.Rewinding;
                _changes.Enqueue(new HoldChange(hold, HoldChangeKind.ReleasedRewind));
                released++;
            }
        }

        return released;
    }

    /// <summary>The holder gave up because its token fired (revocation or stop): the message stays uncommitted.</summary>
    public void Abandon(PartitionHold hold)
    {
        lock (_lock)
        {
            if (hold.State != HoldState.Holding)
            {
                return;
            }

            hold.State = HoldState.Ended;
            if (!_unpaused.Remove(hold))
            {
                Remove(hold);
                _changes.Enqueue(new HoldChange(hold, HoldChangeKind.Released));
            }
        }
    }

    /// <summary>Poll thread: the next change to apply to the consumer, in the order they happened.</summary>
    public bool TryTake(out HoldChange change) => _changes.TryDequeue(out change);

    /// <summary>Poll thread: the partition of a hold released with deferred messages was read again.</summary>
    public void Rewound(PartitionHold hold)
    {
        lock (_lock)
        {
            if (hold.State == HoldState.Rewinding)
            {
                hold.State = HoldState.Ended;
                Remove(hold);
            }
        }
    }

    /// <summary>Poll thread: the partitions were revoked or lost; their holds end and their holders are cancelled.</summary>
    public void Revoked(IEnumerable<TopicPartition> partitions)
    {
        lock (_lock)
        {
            foreach (var partition in partitions)
            {
                if (_held.TryGetValue((partition.Topic, partition.Partition.Value), out var hold))
                {
                    End(hold);
                    Remove(hold);
                }

                foreach (var unpaused in _unpaused.Where(h => h.Partition == partition).ToList())
                {
                    End(unpaused);
                    _unpaused.Remove(unpaused);
                }
            }
        }
    }

    /// <summary>The node stops: every holder is cancelled, so that the drain does not wait for it.</summary>
    public void CancelAll()
    {
        lock (_lock)
        {
            foreach (var hold in _held.Values.Concat(_unpaused))
            {
                if (hold.State == HoldState.Holding)
                {
                    hold.Cancel();
                }
            }
        }
    }

    private PartitionHold? Start(string topic, int partition, long offset, HoldState state, CancellationToken assignment)
    {
        var key = (topic, partition);
        var topicPartition = new TopicPartition(topic, partition);
        lock (_lock)
        {
            if (exempt(topicPartition))
            {
                if (state == HoldState.Stopped)
                {
                    return null; // the node's own topics are never held: nothing to do
                }

                var unpaused = new PartitionHold(topicPartition, offset, state, pauses: false, assignment);
                _unpaused.Add(unpaused);
                return unpaused;
            }

            var deferred = false;
            if (_held.TryGetValue(key, out var existing))
            {
                var takeOver = existing.State == HoldState.Holding && offset < existing.Offset;
                if (existing.Assignment == assignment && !takeOver)
                {
                    existing.Deferred = true;
                    return null;
                }

                // A hold of an earlier assignment the poll thread has not cleared yet, or a later message's:
                // its holder gives up and its message is read again after this hold.
                deferred = existing.Assignment == assignment;
                End(existing);
                Remove(existing);
            }

            var hold = new PartitionHold(topicPartition, offset, state, pauses: true, assignment) { Deferred = deferred };
            _held[key] = hold;
            Volatile.Write(ref _count, _held.Count);
            _changes.Enqueue(new HoldChange(hold, HoldChangeKind.Held));
            return hold;
        }
    }

    private static void End(PartitionHold hold)
    {
        if (hold.State == HoldState.Holding)
        {
            hold.Cancel();
        }

        hold.State = HoldState.Ended;
    }

    private void Remove(PartitionHold hold)
    {
        var key = (hold.Partition.Topic, hold.Partition.Partition.Value);
        if (_held.TryGetValue(key, out var current) && ReferenceEquals(current, hold))
        {
            _held.Remove(key);
            Volatile.Write(ref _count, _held.Count);
        }
    }
}
