using Confluent.Kafka;

namespace KafkaConnector.Engine;

/// <summary>One held partition (see <see cref="PartitionHolds"/>). State changes under the holds' lock.</summary>
internal sealed class PartitionHold : IDisposable
{
    // Cancelled asynchronously: a holder woken on the poll thread would go on running receivers there.
    private readonly CancellationTokenSource? _holder;
    private readonly CancellationTokenRegistration _link;

    internal PartitionHold(TopicPartition partition, long offset, HoldState state, bool pauses, CancellationToken assignment)
    {
        Partition = partition;
        Offset = offset;
        Assignment = assignment;
        State = state;
        Pauses = pauses;
        if (state == HoldState.Holding)
        {
            _holder = new CancellationTokenSource();
            _link = assignment.UnsafeRegister(static holder => _ = ((CancellationTokenSource)holder!).CancelAsync(), _holder);
        }
    }

    public TopicPartition Partition { get; }

    /// <summary>The held message's offset.</summary>
    public long Offset { get; }

    /// <summary>The token of the assignment the held message was read under.</summary>
    public CancellationToken Assignment { get; }

    /// <summary>The holder's token: fires on revocation and stop, at once.</summary>
    public CancellationToken Token => _holder?.Token ?? Assignment;

    /// <summary>False on the node's own topics: the message is retried, the partition never paused.</summary>
    public bool Pauses { get; }

    internal HoldState State { get; set; }

    /// <summary>Whether a message was left unprocessed because of this hold: the partition must be read again after it.</summary>
    internal bool Deferred { get; set; }

    /// <summary>Unlinks the hold from its assignment's token once the holder no longer waits on it.</summary>
    public void Dispose() => _link.Dispose();

    internal void Cancel() => _ = _holder?.CancelAsync();
}

internal enum HoldState
{
    Holding,
    Stopped,
    Rewinding,
    Ended,
}

internal enum HoldChangeKind
{
    /// <summary>Pause the partition and keep it paused.</summary>
    Held,

    /// <summary>The partition may resume.</summary>
    Released,

    /// <summary>Read the partition again from its watermark once its work settled, then let it resume.</summary>
    ReleasedRewind,
}

internal readonly record struct HoldChange(PartitionHold Hold, HoldChangeKind Kind);
