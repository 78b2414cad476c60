namespace KafkaConnector.Admin;

/// <summary>What a reset did to a consumer group's committed offset on one partition.</summary>
/// <param name="Topic">The topic.</param>
/// <param name="Partition">The partition.</param>
/// <param name="PreviousOffset">The offset committed before the reset, or null when there was none.</param>
/// <param name="Offset">The offset committed now: where the group's next consumer of this partition starts.</param>
public sealed record KafkaGroupOffsetChange(string Topic, int Partition, long? PreviousOffset, long Offset);
