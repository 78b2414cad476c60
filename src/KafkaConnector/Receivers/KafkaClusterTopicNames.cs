namespace KafkaConnector.Receivers;

/// <summary>
/// The names that a node's identity gives, compatible with the original HyperIoT connector:
/// broadcast <c>hyperiot_layer_&lt;layer&gt;</c>, node <c>hyperiot_layer_&lt;layer&gt;_&lt;nodeId&gt;</c>,
/// group <c>hyperiot_&lt;layer&gt;_&lt;nodeId&gt;</c>, with <c>hyperiot_</c> replaced by the configured prefix.
/// </summary>
public sealed record KafkaClusterTopicNames
{
    /// <summary>Derives the names from a layer, a node id and a prefix.</summary>
    public KafkaClusterTopicNames(string layer, string nodeId, string prefix = DefaultPrefix)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(layer);
        ArgumentException.ThrowIfNullOrWhiteSpace(nodeId);
        ArgumentNullException.ThrowIfNull(prefix);
        Layer = layer;
        NodeId = nodeId;
        Broadcast = $"{prefix}layer_{layer}";
        Node = $"{prefix}layer_{layer}_{nodeId}";
        GroupId = $"{prefix}{layer}_{nodeId}";
        Prefix = prefix;
    }

    /// <summary>The original's prefix.</summary>
    public const string DefaultPrefix = "hyperiot_";

    /// <summary>The layer.</summary>
    public string Layer { get; }

    /// <summary>The node id.</summary>
    public string NodeId { get; }

    /// <summary>The prefix.</summary>
    public string Prefix { get; }

    /// <summary>The layer's broadcast topic, consumed by every node of the layer.</summary>
    public string Broadcast { get; }

    /// <summary>This node's own topic.</summary>
    public string Node { get; }

    /// <summary>This node's consumer group: one per node, so every node gets every broadcast.</summary>
    public string GroupId { get; }

    /// <summary>The node topic of another node of the same layer.</summary>
    public string NodeTopicOf(string nodeId) => $"{Prefix}layer_{Layer}_{nodeId}";
}
