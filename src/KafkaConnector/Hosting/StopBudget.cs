namespace KafkaConnector.Hosting;

/// <summary>
/// One time budget shared by the steps of the connector's stop: each step gets what earlier steps
/// left, never less than <see cref="MinimumStep"/> so that a late step still gets to act (a flush
/// with no time left would purge what a moment could deliver). Only the time spent in the steps
/// counts, not the time the host spends stopping other services between them.
/// </summary>
internal sealed class StopBudget(TimeSpan total, TimeProvider time)
{
    internal static readonly TimeSpan MinimumStep = TimeSpan.FromMilliseconds(500);

    private readonly Lock _lock = new();
    private TimeSpan _spent;

    public TimeSpan Total { get; } = total;

    public TimeSpan Spent
    {
        get
        {
            lock (_lock)
            {
                return _spent;
            }
        }
    }

    /// <summary>What the next step may take: the rest of the budget, at least <see cref="MinimumStep"/>.</summary>
    public TimeSpan Remaining
    {
        get
        {
            var left = Total - Spent;
            return left > MinimumStep ? left : MinimumStep;
        }
    }

    /// <summary>Runs <paramref name="step"/> with <see cref="Remaining"/> as its bound and charges the time it took.</summary>
    public async Task SpendAsync(Func<TimeSpan, Task> step)
    {
        ArgumentNullException.ThrowIfNull(step);
        var started = time.GetTimestamp();
        try
        {
            await step(Remaining).ConfigureAwait(false);
        }
        finally
        {
            var elapsed = time.GetElapsedTime(started);
            lock (_lock)
            {
                _spent += elapsed;
            }
        }
    }
}
