using System.Globalization;

namespace KafkaConnector.Admin;

/// <summary>How <see cref="KafkaOffsetTarget"/> picks the new offset of each partition.</summary>
public enum KafkaOffsetTargetKind
{
    /// <summary>The partition's first offset still kept (the low watermark).</summary>
    Earliest,

    /// <summary>The partition's end (high watermark): only messages written after the reset are read.</summary>
    Latest,

    /// <summary>The first message whose timestamp is at or after a time; the end when there is none.</summary>
    Timestamp,

    /// <summary>An explicit offset, which must lie between the partition's earliest offset and its end.</summary>
    Offset,
}

/// <summary>Where <c>ResetGroupOffsetsAsync</c> moves a consumer group on each partition it resets.</summary>
public sealed record KafkaOffsetTarget
{
    private KafkaOffsetTarget(KafkaOffsetTargetKind kind, DateTimeOffset? timestamp = null, long? offset = null)
    {
        Kind = kind;
        Timestamp = timestamp;
        Offset = offset;
    }

    /// <summary>The partition's first offset still kept.</summary>
    public static KafkaOffsetTarget Earliest { get; } = new(KafkaOffsetTargetKind.Earliest);

    /// <summary>The partition's end.</summary>
    public static KafkaOffsetTarget Latest { get; } = new(KafkaOffsetTargetKind.Latest);

    /// <summary>How the offset is picked.</summary>
    public KafkaOffsetTargetKind Kind { get; }

    /// <summary>The time, for <see cref="KafkaOffsetTargetKind.Timestamp"/>.</summary>
    public DateTimeOffset? Timestamp { get; }

    /// <summary>The offset, for <see cref="KafkaOffsetTargetKind.Offset"/>.</summary>
    public long? Offset { get; }

    /// <summary>
    /// The first message whose timestamp is at or after <paramref name="timestamp"/> (the records'
    /// own timestamps, producer time by default); the partition's end when no message is that recent.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timestamp"/> is before 1970-01-01 UTC.</exception>
    public static KafkaOffsetTarget ForTimestamp(DateTimeOffset timestamp)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(timestamp, DateTimeOffset.UnixEpoch);
        return new(KafkaOffsetTargetKind.Timestamp, timestamp: timestamp);
    }

    /// <summary>The explicit offset <paramref name="offset"/> on every partition reset.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="offset"/> is negative.</exception>
    public static KafkaOffsetTarget ForOffset(long offset)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        return new(KafkaOffsetTargetKind.Offset, offset: offset);
    }

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        KafkaOffsetTargetKind.Timestamp => $"timestamp {Timestamp!.Value.ToString("O", CultureInfo.InvariantCulture)}",
        KafkaOffsetTargetKind.Offset => $"offset {Offset!.Value.ToString(CultureInfo.InvariantCulture)}",
        _ => Kind.ToString().ToLowerInvariant(),
    };
}
