namespace KafkaConnector.AspNetCore.Channels;

/// <summary>Channel mode settings (<c>KafkaConnector:Channels</c>).</summary>
public sealed class KafkaChannelOptions
{
    /// <summary>The configuration section, under <c>KafkaConnector</c>.</summary>
    public const string SectionName = "Channels";

    /// <summary>
    /// The topic that carries channel commands between the nodes, keyed by channel id. Default:
    /// <c>&lt;prefix&gt;layer_&lt;layer&gt;_channels</c> (e.g. <c>hyperiot_layer_microservices_channels</c>).
    /// Every node of the layer reads all of it.
    /// </summary>
    public string? Topic { get; set; }

    /// <summary>Partitions when the node creates the topic (default 6).</summary>
    public int Partitions { get; set; } = 6;
}
