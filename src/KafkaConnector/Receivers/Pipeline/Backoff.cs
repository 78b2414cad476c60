namespace KafkaConnector.Receivers.Pipeline;

/// <summary>Exponential backoff: the first delay, doubling after each failure, never above the bound.</summary>
internal static class Backoff
{
    /// <summary>The delay after the <paramref name="failures"/>-th failure in a row (1 for the first).</summary>
    public static TimeSpan Compute(TimeSpan first, TimeSpan max, int failures)
    {
        // In doubles, so that a long hold (thousands of failures) or a large first delay cannot overflow.
        var ticks = first.Ticks * Math.Pow(2, Math.Clamp(failures - 1, 0, 62));
        return ticks < max.Ticks ? TimeSpan.FromTicks((long)ticks) : max;
    }
}
