namespace KafkaConnector;

/// <summary>Facts about this package.</summary>
public static class KafkaConnectorInfo
{
    /// <summary>The name of the package, its <c>Meter</c> and its <c>ActivitySource</c>.</summary>
    public const string Name = "KafkaConnector";

    /// <summary>The package version (informational, without build metadata): the version of its <c>Meter</c> and <c>ActivitySource</c>.</summary>
    public static string Version { get; } = ReadVersion();

    private static string ReadVersion()
    {
        var assembly = typeof(KafkaConnectorInfo).Assembly;
        var informational = System.Reflection.CustomAttributeExtensions
            .GetCustomAttribute<System.Reflection.AssemblyInformationalVersionAttribute>(assembly)?.InformationalVersion;
        return informational?.Split('+')[0] ?? assembly.GetName().Version?.ToString() ?? "0.0.0";
    }
}
