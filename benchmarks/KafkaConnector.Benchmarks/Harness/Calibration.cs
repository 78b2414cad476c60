using System.Diagnostics;
using System.Globalization;

namespace KafkaConnector.Benchmarks.Harness;

/// <summary>
/// How long "1 ms" waits really take on this machine, which decides how the 1 ms receivers are
/// simulated: printed with the results so that the choice can be checked on another machine.
/// </summary>
internal static class Calibration
{
    public static string Measure()
    {
        const int samples = 100;
        var delay = new double[samples];
        var sleep = new double[samples];
        for (var i = 0; i < samples; i++)
        {
            var start = Stopwatch.GetTimestamp();
            Task.Delay(1).GetAwaiter().GetResult();
            delay[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            start = Stopwatch.GetTimestamp();
            Thread.Sleep(1);
            sleep[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        return string.Create(CultureInfo.InvariantCulture,
            $"timers: await Task.Delay(1) takes {Stats.Median(delay):0.00} ms (median), Thread.Sleep(1) {Stats.Median(sleep):0.00} ms; 1 ms receivers run Thread.Sleep(1) on a pool thread");
    }
}
