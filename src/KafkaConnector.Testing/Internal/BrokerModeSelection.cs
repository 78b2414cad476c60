namespace KafkaConnector.Testing.Internal;

/// <summary>Turns the two environment variables into a broker mode; pure, so that every combination is unit-tested.</summary>
internal static class BrokerModeSelection
{
    internal const string ModeVariable = "KAFKA_TEST_BROKER";
    internal const string BootstrapServersVariable = "KAFKA_BOOTSTRAP_SERVERS";

    private static readonly string[] Allowed = ["embedded", "external", "testcontainers"];

    /// <summary>
    /// <c>KAFKA_TEST_BROKER</c> unset: <c>external</c> when <c>KAFKA_BOOTSTRAP_SERVERS</c> is set, else
    /// <c>embedded</c>. Set: that mode, case-insensitively; <c>external</c> then needs <c>KAFKA_BOOTSTRAP_SERVERS</c>.
    /// </summary>
    /// <returns>The mode, and the bootstrap servers for <see cref="KafkaTestBrokerMode.External"/> (null otherwise).</returns>
    /// <exception cref="ArgumentException">A value is not one this method knows; the message names the variable and the allowed values.</exception>
    internal static (KafkaTestBrokerMode Mode, string? BootstrapServers) Select(string? mode, string? bootstrapServers)
    {
        var servers = string.IsNullOrWhiteSpace(bootstrapServers) ? null : bootstrapServers.Trim();
        switch (mode?.Trim().ToUpperInvariant())
        {
            case null or "":
                return servers is null ? (KafkaTestBrokerMode.Embedded, null) : (KafkaTestBrokerMode.External, servers);
            case "EMBEDDED":
                return (KafkaTestBrokerMode.Embedded, null);
            case "TESTCONTAINERS":
                return (KafkaTestBrokerMode.Testcontainers, null);
            case "EXTERNAL" when servers is not null:
                return (KafkaTestBrokerMode.External, servers);
            case "EXTERNAL":
                throw new ArgumentException($"{ModeVariable}=external needs {BootstrapServersVariable}, the cluster's bootstrap servers (host:port,...); it is not set.");
            default:
                throw new ArgumentException($"{ModeVariable}='{mode}' is not a broker mode; use one of {string.Join(", ", Allowed)}, or leave it unset for embedded.");
        }
    }
}
