using Confluent.Kafka;
using KafkaConnector.Configuration;
using KafkaConnector.Engine;
using Microsoft.Extensions.Logging;

namespace KafkaConnector.Receivers;

/// <summary>
/// A dispatcher consumer's rebalance callbacks (eager, cooperative-sticky and KIP-848 alike): fresh
/// trackers and explicit pause states for assigned partitions, start offsets, a bounded wait for
/// running work (holds of revoked partitions end at once) and a commit for revoked ones, and
/// readiness: the node's once its own topics are assigned (then the cluster is told), a receiver
/// group's on its first assignment, even an empty one. Runs on the poll thread, inside <c>Consume</c>.
/// </summary>
internal sealed class NodeRebalanceHandler(
    ConsumerAssignment assignment,
    PartitionHolds holds,
    DispatchScope scope,
    IClusterTrafficHandler? cluster,
    KafkaConnectorOptions options,
    string? autoOffsetReset,
    DateTimeOffset startedAt,
    ILogger logger)
{
    private readonly StartOffsetResolver _startOffsets = new(autoOffsetReset, startedAt, logger);
    private bool _ready;
    private volatile bool _closing;

    /// <summary>Whether the consumer is in its group (see the class summary).</summary>
    public bool IsReady => Volatile.Read(ref _ready);

    /// <summary>The consumer is closing: revocations from now on do not wait for running work.</summary>
    public void Closing() => _closing = true;

    public IEnumerable<TopicPartitionOffset> OnAssigned(IConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions)
    {
        assignment.Assigned(partitions); // their pause state is re-established explicitly on the next poll
        var start = _startOffsets.Resolve(new ConsumerOffsetLookup(consumer), partitions, p => assignment[p]);
        Commit(consumer, partitions.Select(p => assignment[p])); // the starts the node chose itself, if any
        DispatchLog.Assigned(logger, string.Join(',', partitions));
        if (!_ready && (!scope.IsNode || (partitions.Any(p => p.Topic == scope.Topics.Node) && partitions.Any(p => p.Topic == scope.Topics.Broadcast))))
        {
            Volatile.Write(ref _ready, true);
            cluster?.OnSubscribed();
        }

        return start;
    }

    public void OnRevoked(IConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions, bool commit)
    {
        var trackers = assignment.Revoked(partitions);
        holds.Revoked(partitions); // holders give up at once: their messages stay uncommitted for the next owner

        // Let work already running finish (bounded), so that what is done gets committed.
        var timeout = commit && !_closing ? options.Dispatch.RevocationTimeout : TimeSpan.Zero;
        SpinWait.SpinUntil(() => trackers.TrueForAll(t => t.Outstanding == 0), timeout);
        var abandoned = 0;
        foreach (var tracker in trackers.Where(t => t.Outstanding > 0))
        {
            abandoned += tracker.Outstanding;
            tracker.Cancellation.Cancel();
        }

        foreach (var tracker in trackers)
        {
            _startOffsets.Released(tracker); // lost or not, committed or not: where to resume if it comes back uncommitted
        }

        if (commit)
        {
            Commit(consumer, trackers);
        }

        DispatchLog.Revoked(logger, string.Join(',', partitions), abandoned, timeout);
    }

    /// <summary>Commits the watermarks that moved, of <paramref name="trackers"/> or of every owned partition.</summary>
    public void Commit(IConsumer<byte[], byte[]> consumer, IEnumerable<PartitionTracker>? trackers = null) =>
        assignment.Commit(consumer, e => DispatchLog.CommitFailed(logger, e.Error.Reason), trackers);
}
