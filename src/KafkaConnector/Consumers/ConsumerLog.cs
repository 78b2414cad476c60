using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace KafkaConnector.Consumers;

/// <summary>Consumer log events of reactive and async streams (ids 1100–1199).</summary>
internal static partial class ConsumerLog
{
    [LoggerMessage(1100, LogLevel.Information, "Reactive stream on {Subscription} started with {Consumers} consumer(s), group {GroupId}")]
    internal static partial void StreamStarted(ILogger logger, string subscription, int consumers, string? groupId);

    [LoggerMessage(1101, LogLevel.Information, "Reactive stream on {Subscription} stopped")]
    internal static partial void StreamStopped(ILogger logger, string subscription);

    [LoggerMessage(1102, LogLevel.Debug, "Paused {Count} partition(s) of {Consumer}: {Buffered} message(s) buffered for a slow reader")]
    internal static partial void Paused(ILogger logger, string consumer, int count, int buffered);

    [LoggerMessage(1103, LogLevel.Debug, "Resumed {Count} partition(s) of {Consumer}")]
    internal static partial void Resumed(ILogger logger, string consumer, int count);

    [LoggerMessage(1104, LogLevel.Warning, "Consume on {Subscription} failed with {Code}: {Reason}; retrying")]
    internal static partial void TransientConsumeError(ILogger logger, string subscription, ErrorCode code, string reason);

    [LoggerMessage(1105, LogLevel.Error, "Stream on {Subscription} ends with an error: {Code} {Reason}")]
    internal static partial void StreamFailed(ILogger logger, string subscription, ErrorCode code, string reason);

    [LoggerMessage(1106, LogLevel.Warning, "Committing offsets of {Consumer} failed: {Reason}; they will be committed again later")]
    internal static partial void CommitFailed(ILogger logger, string consumer, string reason);

    [LoggerMessage(1107, LogLevel.Error, "An observer of {Subscription} threw from OnNext; the stream ends with that exception")]
    internal static partial void ObserverThrew(ILogger logger, Exception exception, string subscription);

    [LoggerMessage(1108, LogLevel.Warning, "Reactive stream on {Subscription} did not stop within {Timeout}; its threads end when the observer returns")]
    internal static partial void StopTimedOut(ILogger logger, string subscription, TimeSpan timeout);

    [LoggerMessage(1109, LogLevel.Error, "A partition callback of {Subscription} threw")]
    internal static partial void PartitionCallbackThrew(ILogger logger, Exception exception, string subscription);

    [LoggerMessage(1110, LogLevel.Information, "Async stream on {Subscription} started, group {GroupId}")]
    internal static partial void AsyncStreamStarted(ILogger logger, string subscription, string? groupId);

    [LoggerMessage(1111, LogLevel.Information, "Async stream on {Subscription} stopped")]
    internal static partial void AsyncStreamStopped(ILogger logger, string subscription);

    [LoggerMessage(1112, LogLevel.Warning, "Async stream on {Subscription} did not close within {Timeout}; its consumer commits and closes in the background")]
    internal static partial void AsyncStreamStopTimedOut(ILogger logger, string subscription, TimeSpan timeout);
}
