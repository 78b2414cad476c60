using KafkaConnector.Configuration;
using Microsoft.Extensions.Options;

namespace KafkaConnector.Receivers;

/// <summary>This node's identity from configuration, or none when Layer or NodeId is unset.</summary>
internal sealed class NodeIdentity(IOptions<KafkaConnectorOptions> options)
{
    public KafkaClusterTopicNames? Topics { get; } = options.Value is { Layer: { Length: > 0 } layer, NodeId: { Length: > 0 } node }
        ? new KafkaClusterTopicNames(layer, node, options.Value.System.TopicPrefix)
        : null;

    public KafkaClusterTopicNames Require(string feature) => Topics ?? throw new InvalidOperationException(
        $"{feature} needs this node's identity: set KafkaConnector:Layer and KafkaConnector:NodeId (they name the node's topics and consumer group).");
}
