namespace KafkaConnector.FaultTests.Node;

/// <summary>The node's command line.</summary>
internal sealed record NodeOptions(string BootstrapServers, string Layer, string NodeId, string Input, string Output, int FailEvery, string? HangKey, string? Group)
{
    /// <summary>With a group: the work runs in a transactional receiver of that group instead of a plain receiver.</summary>
    public string? TransactionalGroup { get; init; }

    /// <summary>The transactional receiver never returns for this value: its transaction stays open.</summary>
    public string? HangValue { get; init; }

    /// <summary>The transactional receiver's <c>MaxBatchSize</c> and <c>MaxBatchDuration</c>.</summary>
    public (int Size, TimeSpan Duration) Batch { get; init; } = (100, TimeSpan.FromMilliseconds(100));

    internal static NodeOptions? Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            values[args[i]] = args[i + 1];
        }

        string? Get(string name) => values.TryGetValue(name, out var value) ? value : null;
        if (Get("--bootstrap-servers") is not { } bootstrap || Get("--layer") is not { } layer || Get("--node-id") is not { } node
            || Get("--input") is not { } input || Get("--output") is not { } output)
        {
            return null;
        }

        var failEvery = int.TryParse(Get("--fail-every"), out var every) && every > 0 ? every : 0;
        var batch = int.TryParse(Get("--batch"), out var size) && size > 0 ? size : 100;
        var batchMs = int.TryParse(Get("--batch-ms"), out var ms) && ms > 0 ? ms : 100;
        return new NodeOptions(bootstrap, layer, node, input, output, failEvery, Get("--hang-key"), Get("--group"))
        {
            TransactionalGroup = Get("--transactional"),
            HangValue = Get("--hang-value"),
            Batch = (batch, TimeSpan.FromMilliseconds(batchMs)),
        };
    }
}
