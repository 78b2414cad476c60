namespace ClusterDemo;

internal sealed record Arguments(string? BootstrapServers, string? Layer, string? NodeId, bool Listen, string? Error)
{
    public static Arguments Parse(string[] args)
    {
        string? bootstrap = null, layer = null, node = null;
        var listen = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--bootstrap-servers" when i + 1 < args.Length:
                    bootstrap = args[++i];
                    break;
                case "--layer" when i + 1 < args.Length:
                    layer = args[++i];
                    break;
                case "--node-id" when i + 1 < args.Length:
                    node = args[++i];
                    break;
                case "--listen":
                    listen = true;
                    break;
                default:
                    return new Arguments(null, null, null, false, $"unknown or incomplete argument '{args[i]}'");
            }
        }

        if (listen && (bootstrap is null || layer is null || node is null))
        {
            return new Arguments(null, null, null, false, "--listen needs --bootstrap-servers, --layer and --node-id");
        }

        return new Arguments(bootstrap, layer, node, listen, null);
    }
}
