using Confluent.Kafka;

namespace KafkaConnector.Engine;

/// <summary>
/// Commits the partitions' watermarks (<see cref="PartitionTracker"/>): only those that moved since
/// their last commit, in one request. A failed commit is reported and tried again next time, since
/// the watermark stays ahead of what was committed. Called from the poll thread only.
/// </summary>
internal sealed class WatermarkCommitter(Action<IReadOnlyList<TopicPartitionOffset>> commit, Action<KafkaException> failed)
{
    private readonly List<(PartitionTracker Tracker, TopicPartitionOffset Offset)> _moved = [];
    private readonly List<TopicPartitionOffset> _offsets = [];

    /// <summary>Commits what moved among <paramref name="trackers"/>; returns how many partitions were committed.</summary>
    public int Commit(IEnumerable<PartitionTracker> trackers)
    {
        _moved.Clear();
        _offsets.Clear();
        foreach (var tracker in trackers)
        {
            if (tracker.TakeCommit() is { } offset)
            {
                _moved.Add((tracker, offset));
                _offsets.Add(offset);
            }
        }

        if (_offsets.Count == 0)
        {
            return 0;
        }

        try
        {
            commit(_offsets);
        }
        catch (KafkaException e)
        {
            failed(e);
            return 0;
        }

        foreach (var (tracker, offset) in _moved)
        {
            tracker.Committed(offset.Offset.Value);
        }

        return _moved.Count;
    }
}
