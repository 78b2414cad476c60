namespace KafkaConnector.FaultTests.Harness;

/// <summary>One cluster node (<c>kafkaconnector-fault-node</c>) as a process; it can be killed and started again under the same id.</summary>
internal sealed class FaultNode(string bootstrapServers, string layer, string nodeId, string input, string output, int failEvery, string? hangKey, string? group = null) : IAsyncDisposable
{
    private IReadOnlyList<string> _extra = [];

    private ChildProcess? _process;

    public string NodeId => nodeId;

    public string Tail => _process?.Tail ?? $"--- {nodeId}: not running ---";

    /// <summary>Starts the process with more arguments (<c>--transactional GROUP</c>, say) and returns once the node consumes its topics.</summary>
    public FaultNode Start(params string[] extra)
    {
        _extra = extra;
        return Start();
    }

    /// <summary>Waits for a line the node prints and returns it.</summary>
    public string WaitForLine(Func<string, bool> match, TimeSpan timeout) => _process!.WaitForLine(match, timeout);

    /// <summary>Starts the process and returns once the node consumes its topics.</summary>
    public FaultNode Start()
    {
        var arguments = new List<string>
        {
            "--bootstrap-servers", bootstrapServers, "--layer", layer, "--node-id", nodeId,
            "--input", input, "--output", output, "--fail-every", failEvery.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        if (hangKey is not null)
        {
            arguments.AddRange(["--hang-key", hangKey]);
        }

        if (group is not null)
        {
            arguments.AddRange(["--group", group]);
        }

        arguments.AddRange(_extra);

        _process = ChildProcess.Start(nodeId, SuiteFiles.FaultNode, arguments);
        _process.WaitForLine(l => l == "ready", TimeSpan.FromSeconds(90));
        return this;
    }

    /// <summary>kill -9, then (when asked) the same node again, resuming from its committed offsets.</summary>
    public async Task KillAsync()
    {
        await _process!.KillAsync();
        await _process.DisposeAsync();
        _process = null;
    }

    /// <summary>SIGTERM; returns how long the node took to exit.</summary>
    public async Task<TimeSpan> StopAsync(TimeSpan limit)
    {
        var elapsed = await _process!.TerminateAsync(limit);
        Assert.True(_process.ExitCode == 0, $"{nodeId} exited with {_process.ExitCode}.\n{_process.Tail}");
        return elapsed;
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }
    }
}
