using Confluent.Kafka;

namespace KafkaConnector.Engine;

/// <summary>
/// The offsets of one assigned partition that are read but not finished. Work finishes out of
/// order (different keys run in parallel); the commit watermark only moves past an offset once
/// it and every earlier offset of the partition are finished.
/// <para>
/// Lock-free: the consumer's poll thread alone reads messages (<see cref="Track"/>, <see cref="Skip"/>)
/// and reads the watermark, the load and the commit (<see cref="Watermark"/>, <see cref="Unfinished"/>,
/// <see cref="TakeCommit"/>), which first move past the finished head of the queue. Any thread may
/// <see cref="Complete"/> an entry: that only marks it finished.
/// </para>
/// </summary>
internal sealed class PartitionTracker
{
    private static readonly Entry Finished = new(-1, done: true);

    private readonly Queue<(long Offset, Entry Entry)> _pending = new();
    private long _watermark = Offset.Unset.Value;
    private long _committed = Offset.Unset.Value;
    private long _readUpTo = Offset.Unset.Value;
    private int _collecting;
    private int _outstanding;
    private int _faulted;
    private volatile bool _revoked;

    public PartitionTracker(TopicPartition partition, CancellationToken stopping)
    {
        Partition = partition;
        Cancellation = CancellationTokenSource.CreateLinkedTokenSource(stopping);
    }

    public TopicPartition Partition { get; }

    /// <summary>Fires when the partition's in-flight work must be abandoned (revocation timed out, or hard stop).</summary>
    public CancellationTokenSource Cancellation { get; }

    /// <summary>Set when the partition was revoked: queued work for it is dropped, not committed.</summary>
    public bool Revoked => _revoked; // read by other threads (runners, a stream's delivery thread)

    /// <summary>Work items dispatched and not yet finished or dropped (any thread).</summary>
    public int Outstanding => Volatile.Read(ref _outstanding);

    /// <summary>
    /// Offsets read and not yet committable (unfinished, or finished behind an unfinished one): the load
    /// flow control weighs, so batches still being filled (<see cref="Collecting"/>) are left out, as they
    /// wait for more messages rather than for a receiver. Poll thread.
    /// </summary>
    public int Unfinished
    {
        get
        {
            Advance();
            return _pending.Count - _collecting;
        }
    }

    /// <summary>Poll thread: <paramref name="count"/> more (or, negative, fewer) offsets sit in batches not handed over yet.</summary>
    public void Collecting(int count) => _collecting += count;

    /// <summary>Offsets read and not yet committable, each counted once (a message with several receivers or batches too). Poll thread.</summary>
    public long UnfinishedOffsets => _readUpTo < 0 ? 0 : Math.Max(0, _readUpTo - Watermark);

    /// <summary>The offset the partition is committable up to (exclusive). Poll thread.</summary>
    public long Watermark
    {
        get
        {
            Advance();
            return _watermark;
        }
    }

    /// <summary>The last offset committed for the partition, or <see cref="Offset.Unset"/>. Poll thread.</summary>
    public long CommittedOffset => _committed;

    /// <summary>
    /// The partition starts at <paramref name="offset"/>, chosen by the node because the group had no
    /// committed offset: commit it, so that later assignments resume here instead of at a newer end.
    /// </summary>
    public void StartAt(long offset) => _watermark = Math.Max(_watermark, offset);

    /// <summary>Records that <paramref name="offset"/> was read and is now being worked on.</summary>
    public Entry Track(long offset) => Track(new Entry(offset));

    /// <summary>Records that <paramref name="entry"/> was read and is now being worked on (a work item may be its own entry).</summary>
    public TEntry Track<TEntry>(TEntry entry)
        where TEntry : Entry
    {
        StartIfUnset(entry.Offset);
        _readUpTo = Math.Max(_readUpTo, entry.Offset + 1);
        _pending.Enqueue((entry.Offset, entry));
        Interlocked.Increment(ref _outstanding);
        return entry;
    }

    /// <summary>
    /// Records that <paramref name="offset"/> was read and belongs to <paramref name="entry"/>, tracked
    /// already for an earlier offset (a batch): it finishes when the entry does, and costs no allocation.
    /// </summary>
    public void TrackMore(long offset, Entry entry)
    {
        _readUpTo = Math.Max(_readUpTo, offset + 1);
        _pending.Enqueue((offset, entry));
    }

    /// <summary>Records an offset that needs no work (no receiver matched, or cluster traffic handled inline).</summary>
    public void Skip(long offset)
    {
        StartIfUnset(offset);
        _readUpTo = Math.Max(_readUpTo, offset + 1);
        Advance();
        if (_pending.Count == 0)
        {
            _watermark = offset + 1;
        }
        else
        {
            _pending.Enqueue((offset, Finished));
        }
    }

    /// <summary>The work of <paramref name="entry"/> finished (any thread).</summary>
    public void Complete(Entry entry)
    {
        entry.MarkDone();
        Interlocked.Decrement(ref _outstanding);
    }

    /// <summary>Work for this partition was dropped (revoked or stopping): it stays uncommitted.</summary>
    public void Drop() => Interlocked.Decrement(ref _outstanding);

    public void Revoke() => _revoked = true;

    /// <summary>
    /// Work for this partition failed outside any receiver: it can never complete, so the partition
    /// must be read again from its watermark (<see cref="Watermark"/>). Returns true the first time.
    /// </summary>
    public bool Fault()
    {
        Interlocked.Decrement(ref _outstanding);
        return Interlocked.Exchange(ref _faulted, 1) == 0;
    }

    /// <summary>The offset to commit if it moved since the last commit. Poll thread.</summary>
    public TopicPartitionOffset? TakeCommit()
    {
        Advance();
        return _watermark > _committed ? new TopicPartitionOffset(Partition, _watermark) : null;
    }

    public void Committed(long offset) => _committed = Math.Max(_committed, offset);

    /// <summary>Moves the watermark past the finished head of the queue.</summary>
    private void Advance()
    {
        while (_pending.TryPeek(out var head) && head.Entry.IsDone)
        {
            _pending.Dequeue();
            _watermark = head.Offset + 1;
        }

        // One offset may have several entries (a message receiver's and a batch's): the first unfinished one bounds the watermark.
        if (_pending.TryPeek(out var next) && next.Offset < _watermark)
        {
            _watermark = next.Offset;
        }
    }

    /// <summary>Before anything finished, the partition is committable up to the first offset read: where it would be read again.</summary>
    private void StartIfUnset(long offset)
    {
        if (_watermark < 0)
        {
            _watermark = offset;
        }
    }

    public class Entry(long offset, bool done = false)
    {
        private volatile bool _done = done;

        public long Offset { get; } = offset;

        /// <summary>Whether its work finished (set by any thread, read by the poll thread).</summary>
        public bool IsDone => _done;

        public void MarkDone() => _done = true;
    }
}
