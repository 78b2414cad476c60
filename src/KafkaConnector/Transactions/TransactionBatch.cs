using Confluent.Kafka;

namespace KafkaConnector.Transactions;

/// <summary>
/// What the open transaction covers: for each partition, the first offset read in it (where the
/// partition is read again if it aborts) and the offset after the last message finished in it (what
/// it commits); how many messages finished, and since when it is open. Messages are processed one
/// at a time, in offset order per partition, so each partition's range is contiguous. Poll thread only.
/// </summary>
internal sealed class TransactionBatch(int maxMessages, TimeSpan maxDuration, TimeProvider time)
{
    private readonly Dictionary<TopicPartition, long> _first = [];
    private readonly Dictionary<TopicPartition, long> _next = [];
    private long _openedAt;

    /// <summary>Whether a transaction is open.</summary>
    public bool IsOpen { get; private set; }

    /// <summary>Messages finished in the open transaction.</summary>
    public int Count { get; private set; }

    /// <summary>Whether the open transaction holds as many messages as it may.</summary>
    public bool IsFull => Count >= maxMessages;

    /// <summary>How long the open transaction has been open.</summary>
    public TimeSpan Elapsed => IsOpen ? time.GetElapsedTime(_openedAt) : TimeSpan.Zero;

    /// <summary>Whether the open transaction should commit now: full, or open for its whole duration.</summary>
    public bool IsDue => IsOpen && Count > 0 && (IsFull || Elapsed >= maxDuration);

    /// <summary>Time left before the open transaction is due (the longest a poll may wait), or null when none is open.</summary>
    public TimeSpan? Remaining => IsOpen ? (maxDuration - Elapsed is var left && left > TimeSpan.Zero ? left : TimeSpan.Zero) : null;

    /// <summary>Partitions the open transaction read from.</summary>
    public IReadOnlyCollection<TopicPartition> Partitions => _first.Keys;

    /// <summary>A transaction was begun.</summary>
    public void Open()
    {
        Clear();
        IsOpen = true;
        _openedAt = time.GetTimestamp();
    }

    /// <summary>A message was read in the open transaction (finished or not).</summary>
    public void Read(TopicPartitionOffset message) => _first.TryAdd(message.TopicPartition, message.Offset.Value);

    /// <summary>A message read in the open transaction is finished: its offset is committed with the transaction.</summary>
    public void Finished(TopicPartitionOffset message)
    {
        _next[message.TopicPartition] = message.Offset.Value + 1;
        Count++;
    }

    /// <summary>The offsets to commit with the transaction: for each partition, the one after its last finished message.</summary>
    public List<TopicPartitionOffset> Offsets() => [.. _next.Select(p => new TopicPartitionOffset(p.Key, p.Value))];

    /// <summary>Where each partition must be read again from if the transaction aborts: its first offset read in it.</summary>
    public List<TopicPartitionOffset> RewindPoints() => [.. _first.Select(p => new TopicPartitionOffset(p.Key, p.Value))];

    /// <summary>The transaction ended (committed or aborted).</summary>
    public void Close()
    {
        Clear();
        IsOpen = false;
    }

    private void Clear()
    {
        _first.Clear();
        _next.Clear();
        Count = 0;
    }
}
