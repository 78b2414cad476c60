namespace KafkaConnector.Benchmarks.Harness;

/// <summary>
/// How big one run is. The full run produces the documented figures; the quick run is a smoke run
/// of every scenario with small counts (its figures are noisier and only show that nothing broke).
/// </summary>
internal sealed record BenchSettings
{
    public required string Name { get; init; }

    /// <summary>Measured repetitions per scenario; medians are reported.</summary>
    public required int Repetitions { get; init; }

    /// <summary>Whether scenarios that start nodes run one discarded repetition first (JIT, thread pool, broker warm-up).</summary>
    public required bool WarmupRepetition { get; init; }

    public required int ProduceMessages100B { get; init; }

    public required int ProduceMessages1KiB { get; init; }

    /// <summary>Messages produced (and delivered) before the clock starts, in each produce run.</summary>
    public required int ProduceWarmup { get; init; }

    /// <summary>Messages of the consume/dispatch scenario (pre-filled, read from the start).</summary>
    public required int DispatchMessages { get; init; }

    /// <summary>Messages per unit of parallelism in the 1 ms receiver scenario (parallelism 16 reads 16 times as many).</summary>
    public required int SlowMessagesPerSlot { get; init; }

    /// <summary>Measured messages per latency run, after the warm-up.</summary>
    public required int LatencyMessages { get; init; }

    public required int LatencyWarmup { get; init; }

    public static BenchSettings Full { get; } = new()
    {
        Name = "full",
        Repetitions = 5,
        WarmupRepetition = true,
        ProduceMessages100B = 300_000,
        ProduceMessages1KiB = 100_000,
        ProduceWarmup = 10_000,
        DispatchMessages = 500_000,
        SlowMessagesPerSlot = 1_500,
        LatencyMessages = 3_000,
        LatencyWarmup = 200,
    };

    public static BenchSettings Quick { get; } = new()
    {
        Name = "quick",
        Repetitions = 2,
        WarmupRepetition = false,
        ProduceMessages100B = 40_000,
        ProduceMessages1KiB = 15_000,
        ProduceWarmup = 2_000,
        DispatchMessages = 60_000,
        SlowMessagesPerSlot = 150,
        LatencyMessages = 400,
        LatencyWarmup = 50,
    };
}
