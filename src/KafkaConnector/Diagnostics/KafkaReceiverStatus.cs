namespace KafkaConnector.Diagnostics;

/// <summary>A snapshot of one registered receiver, from <see cref="IKafkaConnectorStatus.GetReceiverStatus"/>.</summary>
/// <param name="Id">The receiver's id in status and control calls: its name, with <c>-2</c>, <c>-3</c>… for further registrations of the same name.</param>
/// <param name="Name">The receiver's name in logs, metrics and dead-letter headers (its type name).</param>
/// <param name="TopicFilter">Its topic filter, as registered.</param>
/// <param name="GroupId">The consumer group it reads in: its own group, or the node's.</param>
/// <param name="SharesWork">Whether it reads in a group of its own, sharing the partitions with the other nodes that register it.</param>
/// <param name="State">Where it stands.</param>
/// <param name="Partitions">The partitions of its topics its consumer owns on this node.</param>
/// <param name="InFlight">Its messages read and not yet finished (queued behind their key, running, retried or waiting).</param>
/// <param name="LastError">Its last failure, or null.</param>
public sealed record KafkaReceiverStatus(
    string Id,
    string Name,
    string TopicFilter,
    string GroupId,
    bool SharesWork,
    KafkaReceiverState State,
    IReadOnlyList<KafkaPartitionStatus> Partitions,
    int InFlight,
    KafkaReceiverError? LastError)
{
    /// <summary>The sum of its partitions' lag, or null when no partition's lag is known.</summary>
    public long? Lag => Partitions.Any(p => p.Lag is not null) ? Partitions.Sum(p => p.Lag ?? 0) : null;
}
