namespace KafkaConnector.FaultTests.Node;

/// <summary>The node's command line.</summary>
internal sealed record NodeOptions(string BootstrapServers, string Layer, string NodeId, string Input, string Output, int FailEvery, string? HangKey, string? Group)
{
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
        return new NodeOptions(bootstrap, layer, node, input, output, failEvery, Get("--hang-key"), Get("--group"));
    }
}
