using Confluent.Kafka;
using KafkaConnector.Receivers;

namespace KafkaConnector.Transactions;

/// <summary>What a transactional receiver's failure leads to, decided by its <see cref="KafkaErrorPolicy"/>.</summary>
internal readonly record struct FailureDecision(KafkaErrorAction Action, int Failures, TimeSpan Delay);

/// <summary>
/// The failures of the messages a transactional receiver could not process: how many times each
/// failed in a row (its transaction aborted every time, so its attempts span transactions), and
/// which ones its policy sent to the dead-letter topic, so that the next transaction writes them
/// there instead of calling the receiver again. Poll thread only.
/// </summary>
internal sealed class FailureLedger(KafkaErrorPolicy policy)
{
    private readonly Dictionary<(TopicPartition Partition, long Offset), int> _failures = [];
    private readonly Dictionary<(TopicPartition Partition, long Offset), (Exception Error, int Attempts)> _deadLetters = [];

    /// <summary>The receiver failed on <paramref name="failed"/> with <paramref name="error"/>: what now.</summary>
    public FailureDecision Failed(TopicPartitionOffset failed, Exception error)
    {
        var message = Key(failed);
        var failures = _failures[message] = _failures.GetValueOrDefault(message) + 1;
        var action = policy.Decide(error, failures);
        switch (action)
        {
            case KafkaErrorAction.Retry or KafkaErrorAction.Hold:
                return new FailureDecision(action, failures, policy.Delay(failures));
            case KafkaErrorAction.DeadLetter:
                _failures.Remove(message);
                _deadLetters[message] = (error, failures);
                return new FailureDecision(action, failures, TimeSpan.Zero);
            default:
                return new FailureDecision(action, failures, TimeSpan.Zero);
        }
    }

    /// <summary>Whether <paramref name="message"/> goes to the dead-letter topic, with the error and attempts that sent it there.</summary>
    public bool IsDeadLetter(TopicPartitionOffset message, out Exception error, out int attempts)
    {
        var found = _deadLetters.TryGetValue(Key(message), out var entry);
        (error, attempts) = found ? entry : (null!, 0);
        return found;
    }

    /// <summary>A transaction committed <paramref name="offsets"/>: the messages before them are forgotten.</summary>
    public void Committed(IEnumerable<TopicPartitionOffset> offsets)
    {
        // Everything below a committed offset is done for good.
        foreach (var committed in offsets)
        {
            Forget(m => m.Partition == committed.TopicPartition && m.Offset < committed.Offset.Value);
        }
    }

    /// <summary>Partitions this consumer no longer owns: their next owner counts afresh.</summary>
    public void Revoked(IEnumerable<TopicPartition> partitions)
    {
        var revoked = partitions.ToHashSet();
        Forget(m => revoked.Contains(m.Partition));
    }

    private static (TopicPartition, long) Key(TopicPartitionOffset message) => (message.TopicPartition, message.Offset.Value);

    private void Forget(Func<(TopicPartition Partition, long Offset), bool> which)
    {
        foreach (var key in _failures.Keys.Where(which).ToList())
        {
            _failures.Remove(key);
        }

        foreach (var key in _deadLetters.Keys.Where(which).ToList())
        {
            _deadLetters.Remove(key);
        }
    }
}
