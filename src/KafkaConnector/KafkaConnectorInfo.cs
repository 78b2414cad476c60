namespace KafkaConnector;

/// <summary>Facts about this package.</summary>
public static class KafkaConnectorInfo
{
    /// <summary>The name of the package, its <c>Meter</c> and its <c>ActivitySource</c>.</summary>
    public const string Name = "KafkaConnector";
}
