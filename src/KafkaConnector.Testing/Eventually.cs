using System.Diagnostics;

namespace KafkaConnector.Testing;

/// <summary>
/// Waits for a condition instead of sleeping: polls it until it holds or the timeout passes, then
/// fails with a message that says what was expected and what was last seen.
/// </summary>
public static class Eventually
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    /// <summary>Waits until <paramref name="condition"/> returns true.</summary>
    /// <param name="condition">The condition to poll.</param>
    /// <param name="timeout">How long to wait at most.</param>
    /// <param name="describe">What was expected and what is seen, for the failure message.</param>
    /// <param name="cancellationToken">Stops waiting early.</param>
    /// <exception cref="TimeoutException">The condition did not hold in time.</exception>
    public static async Task UntilAsync(Func<bool> condition, TimeSpan timeout, Func<string> describe, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        ArgumentNullException.ThrowIfNull(describe);
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.Elapsed > timeout)
            {
                throw new TimeoutException($"Condition not met within {timeout.TotalSeconds:0.#} s: {describe()}");
            }

            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }
}
