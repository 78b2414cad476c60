using System.Globalization;

namespace KafkaConnector.Benchmarks.Harness;

/// <summary>One measured run: named figures such as <c>rate</c> or <c>p99</c>.</summary>
internal sealed class Measurement : Dictionary<string, double>
{
    public Measurement()
        : base(StringComparer.Ordinal)
    {
    }
}

/// <summary>A side of a comparison: the raw client, or the connector in one configuration.</summary>
internal sealed record Side<TContext>(string Name, Func<TContext, CancellationToken, Task<Measurement>> RunAsync);

/// <summary>The measurements of every side, by side name, one per repetition.</summary>
internal sealed class SideResults
{
    private readonly Dictionary<string, List<Measurement>> _bySide = new(StringComparer.Ordinal);

    public void Add(string side, Measurement measurement)
    {
        if (!_bySide.TryGetValue(side, out var list))
        {
            _bySide[side] = list = [];
        }

        list.Add(measurement);
    }

    /// <summary>The median over repetitions of one figure of one side.</summary>
    public double Median(string side, string figure) => Stats.Median(Values(side, figure));

    /// <summary>One figure of one side, repetition by repetition.</summary>
    public IReadOnlyList<double> Values(string side, string figure) => [.. _bySide[side].Select(m => m[figure])];

    /// <summary>A result row from the medians of one figure of two sides, keeping every repetition's value.</summary>
    public ResultRow Row(string scenario, string unit, RowKind kind, string raw, string connector, string figure, string connectorFigure, string target, Func<double, double, bool>? met) =>
        new(scenario, unit, kind, Median(raw, figure), Median(connector, connectorFigure), target, met?.Invoke(Median(raw, figure), Median(connector, connectorFigure)))
        {
            RawSamples = Values(raw, figure),
            ConnectorSamples = Values(connector, connectorFigure),
        };
}

/// <summary>
/// Runs the sides of a scenario in turn, repetition after repetition, in forward order on even
/// repetitions and reverse order on odd ones, so that neither side always runs first (on a warmer
/// or a more cluttered process). An optional warm-up repetition runs first and is discarded.
/// Every run starts after a full blocking GC, so garbage of the previous run is not collected on its clock.
/// </summary>
internal static class Alternation
{
    public static async Task<SideResults> RunAsync<TContext>(
        string scenario,
        BenchSettings settings,
        Func<bool, CancellationToken, Task<TContext>> setupAsync,
        IReadOnlyList<Side<TContext>> sides,
        Func<TContext, Task> teardownAsync,
        Func<Measurement, string> describe,
        bool warmup,
        CancellationToken cancellationToken)
    {
        var results = new SideResults();
        var first = warmup && settings.WarmupRepetition ? -1 : 0;
        for (var rep = first; rep < settings.Repetitions; rep++)
        {
            var context = await setupAsync(rep < 0, cancellationToken);
            try
            {
                var order = rep % 2 == 0 || rep < 0 ? sides : sides.Reverse().ToList();
                foreach (var side in order)
                {
                    FullCollect();
                    var measurement = await side.RunAsync(context, cancellationToken);
                    var label = rep < 0 ? "warm-up" : string.Create(CultureInfo.InvariantCulture, $"rep {rep + 1}/{settings.Repetitions}");
                    Progress.Say($"{scenario} [{label}] {side.Name}: {describe(measurement)}");
                    if (rep >= 0)
                    {
                        results.Add(side.Name, measurement);
                    }
                }
            }
            finally
            {
                await teardownAsync(context);
            }
        }

        return results;
    }

    public static void FullCollect()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
    }
}

/// <summary>Progress lines on stderr, so that stdout carries only the results table.</summary>
internal static class Progress
{
    private static readonly DateTime Start = DateTime.UtcNow;

    public static void Say(string line) =>
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[bench {(DateTime.UtcNow - Start).TotalSeconds,6:0.0}s] {line}"));
}
