using Microsoft.Extensions.Logging;

namespace KafkaConnector.Cluster;

/// <summary>Cluster log events (ids 1300–1399).</summary>
internal static partial class ClusterLog
{
    [LoggerMessage(1300, LogLevel.Information, "Node {NodeId} joined layer {Layer}")]
    internal static partial void Joined(ILogger logger, string nodeId, string layer);

    [LoggerMessage(1301, LogLevel.Information, "Node {NodeId} left layer {Layer} ({Reason})")]
    internal static partial void Left(ILogger logger, string nodeId, string layer, string reason);

    [LoggerMessage(1302, LogLevel.Warning, "Request {Operation} from node {From} failed: {Error}")]
    internal static partial void RequestFailed(ILogger logger, string operation, string from, string error);

    [LoggerMessage(1303, LogLevel.Warning, "Ignoring a cluster record on {Topic}@{Offset}: {Reason}")]
    internal static partial void Ignored(ILogger logger, string topic, long offset, string reason);

    [LoggerMessage(1304, LogLevel.Warning, "Could not announce node {NodeId}: {Reason}")]
    internal static partial void AnnounceFailed(ILogger logger, string nodeId, string reason);

    [LoggerMessage(1305, LogLevel.Information, "Node {NodeId} of layer {Layer} is ready")]
    internal static partial void Ready(ILogger logger, string nodeId, string layer);
}
