using KafkaConnector.Engine;
using KafkaConnector.Messages;

namespace KafkaConnector.Receivers;

/// <summary>
/// The batches being filled, one per batch receiver and partition, on the poll thread: a batch is
/// handed to the scheduler when it is full, when its time bound since its first message passed, or
/// when the partition may be revoked or the dispatcher stops (then its work is dropped uncommitted).
/// </summary>
internal sealed class BatchCollector(Action<DispatchWork.BatchItem> schedule)
{
    private readonly Dictionary<(ReceiverRegistration Receiver, PartitionTracker Tracker), (DispatchWork.BatchItem Batch, long Due)> _open = [];
    private long _earliestDue = long.MaxValue;

    /// <summary>Time until the earliest open batch is due, for the poll timeout; null when none is open.</summary>
    public TimeSpan? UntilDue => _open.Count == 0 ? null : TimeSpan.FromMilliseconds(Math.Max(0, _earliestDue - Environment.TickCount64));

    public void Add(ReceiverRegistration[] receivers, KafkaMessage message, PartitionTracker tracker)
    {
        foreach (var receiver in receivers)
        {
            var key = (receiver, tracker);
            if (_open.TryGetValue(key, out var open))
            {
                open.Batch.Add(message);
            }
            else
            {
                var due = Environment.TickCount64 + (long)receiver.Batch!.MaxWait.TotalMilliseconds;
                open = (DispatchWork.BatchItem.Open(receiver, message, tracker), due);
                _open[key] = open;
                _earliestDue = Math.Min(_earliestDue, due);
            }

            if (open.Batch.Messages.Count >= receiver.Batch!.MaxMessages)
            {
                _open.Remove(key);
                schedule(open.Batch);
            }
        }
    }

    /// <summary>Hands over the batches whose time bound passed.</summary>
    public void CloseDue()
    {
        var now = Environment.TickCount64;
        if (now < _earliestDue)
        {
            return;
        }

        _earliestDue = long.MaxValue;
        foreach (var (key, open) in _open.ToList())
        {
            if (open.Due <= now)
            {
                _open.Remove(key);
                schedule(open.Batch);
            }
            else
            {
                _earliestDue = Math.Min(_earliestDue, open.Due);
            }
        }
    }

    /// <summary>Hands over every open batch (before a revocation, or at stop).</summary>
    public void CloseAll()
    {
        foreach (var open in _open.Values)
        {
            schedule(open.Batch);
        }

        _open.Clear();
        _earliestDue = long.MaxValue;
    }
}
