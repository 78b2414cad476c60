namespace KafkaConnector.FaultTests.Harness;

/// <summary>The standalone embedded broker (<c>kafkaconnector-broker</c>) as a process, with its brokers taken down and up on request.</summary>
internal sealed class StandaloneBroker : IAsyncDisposable
{
    private readonly ChildProcess _process;

    private StandaloneBroker(ChildProcess process, string bootstrapServers)
    {
        _process = process;
        BootstrapServers = bootstrapServers;
    }

    public string BootstrapServers { get; }

    public string Tail => _process.Tail;

    /// <summary>Starts the broker with <paramref name="topics"/> (<c>name:partitions</c>) created.</summary>
    public static StandaloneBroker Start(params string[] topics)
    {
        var process = ChildProcess.Start("broker", SuiteFiles.BrokerTool, topics.SelectMany(t => new[] { "--topic", t }));
        var line = process.WaitForLine(l => l.StartsWith("bootstrap.servers=", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        return new StandaloneBroker(process, line["bootstrap.servers=".Length..]);
    }

    /// <summary>Every broker refuses connections until <see cref="UpAsync"/>; the data stays.</summary>
    public async Task DownAsync()
    {
        await _process.WriteLineAsync("down");
        _process.WaitForLine(l => l == "brokers down", TimeSpan.FromSeconds(10));
    }

    public async Task UpAsync()
    {
        await _process.WriteLineAsync("up");
        _process.WaitForLine(l => l == "brokers up", TimeSpan.FromSeconds(10));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await _process.TerminateAsync(TimeSpan.FromSeconds(20));
        }

        await _process.DisposeAsync();
    }
}
