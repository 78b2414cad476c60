namespace KafkaConnector.Admin;

/// <summary>Where a consumer group stands on one partition: its committed offset, the partition's end, and the lag between them.</summary>
/// <param name="Topic">The topic.</param>
/// <param name="Partition">The partition.</param>
/// <param name="CommittedOffset">The next offset the group will read, as it committed it; null when the group has committed nothing on this partition.</param>
/// <param name="LogEndOffset">The partition's end (high watermark): the offset the next message written will get.</param>
public sealed record KafkaGroupPartitionOffset(string Topic, int Partition, long? CommittedOffset, long LogEndOffset)
{
    /// <summary>Whether the group has committed an offset on this partition.</summary>
    public bool HasCommit => CommittedOffset is not null;

    /// <summary>
    /// Messages between the committed offset and the end, or null without a commit (where such a
    /// group starts depends on its consumers' <c>auto.offset.reset</c>, not on the partition).
    /// </summary>
    public long? Lag => LogEndOffset - CommittedOffset;

    /// <inheritdoc />
    public override string ToString() => $"{Topic}[{Partition}]: committed {CommittedOffset?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}, end {LogEndOffset}, lag {Lag?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unknown"}";
}
