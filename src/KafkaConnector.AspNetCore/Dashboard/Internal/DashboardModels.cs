namespace KafkaConnector.AspNetCore.Dashboard.Internal;

internal sealed record DashboardTopic(string Name, long Sent, long Consumed, long Failed);

internal sealed record DashboardReceiver(string Name, long Processed, long Failed, long Retried, long DeadLettered);

internal sealed record DashboardLag(string Topic, int Partition, long Lag);

internal sealed record DashboardCounters(
    IReadOnlyList<DashboardTopic> Topics, IReadOnlyList<DashboardReceiver> Receivers, IReadOnlyList<DashboardLag> Lag, long InFlight, long PausedPartitions);

internal sealed record DashboardMember(string NodeId, DateTimeOffset StartedAt, DateTimeOffset LastSeen);

internal sealed record DashboardMemberEvent(string Kind, string NodeId, DateTimeOffset At);

internal sealed record DashboardDeadLetter(
    string Topic, string? Key, string? Receiver, string? ExceptionType, string? ExceptionMessage, string? Attempts, DateTimeOffset? At);

/// <summary>A receiver as the node's status reports it; <see cref="Partitions"/> as <c>topic 0,1; other 2</c>.</summary>
internal sealed record DashboardReceiverStatus(
    string Id, string State, string GroupId, bool SharesWork, string Partitions, int InFlight, long? Lag, string? LastError, DateTimeOffset? LastErrorAt);

/// <summary>One push of the dashboard: everything it shows.</summary>
internal sealed record DashboardSnapshot(
    string? Layer,
    string? NodeId,
    DateTimeOffset At,
    IReadOnlyList<DashboardMember> Members,
    IReadOnlyList<DashboardMemberEvent> MemberEvents,
    DashboardCounters Counters,
    IReadOnlyList<DashboardDeadLetter> DeadLetters,
    IReadOnlyList<DashboardReceiverStatus> ReceiverStatus);
