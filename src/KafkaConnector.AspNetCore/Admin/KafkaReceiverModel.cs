using KafkaConnector.Diagnostics;

namespace KafkaConnector.AspNetCore.Admin;

/// <summary>
/// A receiver as <c>GET {prefix}/receivers</c> lists it: <see cref="KafkaReceiverStatus"/> with its
/// state by name (<c>Starting</c>, <c>Running</c>, <c>Paused</c>, <c>Stopped</c>, <c>Failed</c>).
/// </summary>
/// <param name="Id">The id the control endpoints take.</param>
/// <param name="Name">Its name in logs, metrics and dead-letter headers.</param>
/// <param name="TopicFilter">Its topic filter, as registered.</param>
/// <param name="GroupId">The consumer group it reads in.</param>
/// <param name="SharesWork">Whether that group is its own, shared with the other nodes that register it.</param>
/// <param name="State">A <see cref="KafkaReceiverState"/> name.</param>
/// <param name="Partitions">The partitions of its topics its consumer owns on this node.</param>
/// <param name="InFlight">Its messages read and not yet finished.</param>
/// <param name="Lag">The sum of its partitions' lag, or null while unknown.</param>
/// <param name="LastError">Its last failure, or null.</param>
public sealed record KafkaReceiverModel(
    string Id,
    string Name,
    string TopicFilter,
    string GroupId,
    bool SharesWork,
    string State,
    IReadOnlyList<KafkaPartitionStatus> Partitions,
    int InFlight,
    long? Lag,
    KafkaReceiverError? LastError)
{
    internal static KafkaReceiverModel From(KafkaReceiverStatus s) =>
        new(s.Id, s.Name, s.TopicFilter, s.GroupId, s.SharesWork, s.State.ToString(), s.Partitions, s.InFlight, s.Lag, s.LastError);
}
