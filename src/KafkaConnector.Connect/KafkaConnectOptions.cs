namespace KafkaConnector.Connect;

/// <summary>
/// Where the Kafka Connect REST API is and how long a request may take. Bound from the
/// configuration section <c>KafkaConnector:Connect</c> (see <c>docs/kafka-connect.md</c>).
/// </summary>
public sealed class KafkaConnectOptions
{
    /// <summary>The configuration section these options are bound from, below the connector's own section.</summary>
    public const string SectionName = "Connect";

    /// <summary>The default for <see cref="Timeout"/>: 30 seconds.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The base URL of a Connect worker's REST API, with its scheme: <c>http://connect:8083</c>.
    /// Required. Credentials in the URL (<c>https://user:password@connect:8083</c>) are sent as HTTP
    /// basic authentication and never appear in logs or exception messages.
    /// </summary>
    public string? Url { get; set; }

    /// <summary>How long one request may take before it fails with a timeout. Default 30 seconds; must be positive.</summary>
    public TimeSpan Timeout { get; set; } = DefaultTimeout;
}
