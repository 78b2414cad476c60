namespace KafkaConnector.Diagnostics;

/// <summary>One partition a consumer of the node owns, as its poll loop last saw it (refreshed about twice a second).</summary>
/// <param name="Topic">The topic.</param>
/// <param name="Partition">The partition.</param>
/// <param name="CommittedOffset">The offset the group committed (the next to read), or null before the first commit.</param>
/// <param name="EndOffset">The partition's end (high watermark) as last fetched, or null before the first fetch.</param>
/// <param name="Lag">Messages after the last one finished in order (those are committed at the next commit): the end minus that position; null while either is unknown.</param>
/// <param name="InFlight">Messages read and not yet finished in order.</param>
/// <param name="IsPaused">Whether the partition is paused now (flow control, a hold, or a pause on request).</param>
public sealed record KafkaPartitionStatus(string Topic, int Partition, long? CommittedOffset, long? EndOffset, long? Lag, int InFlight, bool IsPaused);
