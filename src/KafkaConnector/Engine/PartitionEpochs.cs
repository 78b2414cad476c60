using Confluent.Kafka;

namespace KafkaConnector.Engine;

/// <summary>
/// Which ownership of a partition a message was read under. A revocation starts a new epoch; an
/// offset is stored only under the epoch it was read in, and the check and the store happen under
/// the same lock as the revocation's epoch change. So a message whose handling outlived its
/// partition's revocation never stores an offset after the revocation committed.
/// </summary>
internal sealed class PartitionEpochs
{
    private readonly Lock _lock = new();
    private readonly Dictionary<TopicPartition, int> _epochs = [];

    /// <summary>The epoch of <paramref name="partition"/> now (read when a message is fetched).</summary>
    public int Current(TopicPartition partition)
    {
        lock (_lock)
        {
            return _epochs.GetValueOrDefault(partition);
        }
    }

    /// <summary>Whether a message read in <paramref name="epoch"/> is still owned (check before handing it on).</summary>
    public bool IsCurrent(TopicPartition partition, int epoch) => Current(partition) == epoch;

    /// <summary>Runs <paramref name="store"/> only if <paramref name="epoch"/> is still current; returns whether it ran.</summary>
    public bool StoreIfCurrent<TState>(TopicPartition partition, int epoch, TState state, Action<TState> store)
    {
        lock (_lock)
        {
            if (_epochs.GetValueOrDefault(partition) != epoch)
            {
                return false;
            }

            store(state);
            return true;
        }
    }

    /// <summary>Ends the current epoch of each partition (revoked or lost); call before committing the revocation.</summary>
    public void Revoke(IEnumerable<TopicPartition> partitions)
    {
        lock (_lock)
        {
            foreach (var partition in partitions)
            {
                _epochs[partition] = _epochs.GetValueOrDefault(partition) + 1;
            }
        }
    }
}
