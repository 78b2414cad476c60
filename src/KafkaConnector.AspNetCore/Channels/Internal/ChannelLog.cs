using Microsoft.Extensions.Logging;

namespace KafkaConnector.AspNetCore.Channels.Internal;

/// <summary>Log events of channel mode (5100–5199), category <c>KafkaConnector.AspNetCore.Channels</c>.</summary>
internal static partial class ChannelLog
{
    public const string Category = "KafkaConnector.AspNetCore.Channels";

    [LoggerMessage(5100, LogLevel.Information, "Channel broker reads {Topic} in group {GroupId}")]
    public static partial void Started(ILogger logger, string topic, string groupId);

    [LoggerMessage(5101, LogLevel.Warning, "Channel topic {Topic} could not be created: {Error}; using it if it exists or is auto-created")]
    public static partial void TopicNotCreated(ILogger logger, string topic, string? error);

    [LoggerMessage(5102, LogLevel.Warning, "Skipped an unreadable record at {Topic}[{Partition}]@{Offset}")]
    public static partial void Unreadable(ILogger logger, string topic, int? partition, long? offset);

    [LoggerMessage(5103, LogLevel.Error, "The channel broker's stream on {Topic} failed; channel mode stops on this node")]
    public static partial void StreamFailed(ILogger logger, string topic, Exception exception);

    [LoggerMessage(5104, LogLevel.Warning, "A channel connection's send queue is full; it is closed as too slow")]
    public static partial void SlowClient(ILogger logger);

    [LoggerMessage(5105, LogLevel.Warning, "A channel command could not be written to {Topic}: {ErrorType}")]
    public static partial void PublishFailed(ILogger logger, string topic, string errorType);
}
