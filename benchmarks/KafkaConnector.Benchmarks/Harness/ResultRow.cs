namespace KafkaConnector.Benchmarks.Harness;

/// <summary>What a row measures, which decides its number format and whether the chart shows it.</summary>
internal enum RowKind
{
    Throughput,
    Latency,
    Allocation,
}

/// <summary>
/// One line of the results: the same figure for the raw client and the connector, measured in the
/// same process and run. <see cref="Ratio"/> is connector / raw whatever the direction; the unit
/// says whether higher or lower is better.
/// </summary>
internal sealed record ResultRow(string Scenario, string Unit, RowKind Kind, double Raw, double Connector, string Target, bool? Met)
{
    /// <summary>The chart panel of a throughput row (rows of one panel share a linear axis).</summary>
    public string Panel { get; init; } = "";

    /// <summary>The raw figure of every repetition.</summary>
    public IReadOnlyList<double> RawSamples { get; init; } = [];

    /// <summary>The connector figure of every repetition.</summary>
    public IReadOnlyList<double> ConnectorSamples { get; init; } = [];

    public double Ratio => Raw == 0 ? double.NaN : Connector / Raw;
}
