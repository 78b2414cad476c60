using Microsoft.Extensions.Logging;

namespace KafkaConnector.AspNetCore.WebSockets.Internal;

/// <summary>Log events of the WebSocket bridge (5000–5099), category <c>KafkaConnector.AspNetCore.WebSockets</c>.</summary>
internal static partial class WebSocketLog
{
    public const string Category = "KafkaConnector.AspNetCore.WebSockets";

    [LoggerMessage(5000, LogLevel.Debug, "WebSocket session {Session} started for {User} on topics {Topics}")]
    public static partial void Started(ILogger logger, string session, string user, string topics);

    [LoggerMessage(5001, LogLevel.Debug, "WebSocket session {Session} closed with status {Status}")]
    public static partial void Closed(ILogger logger, string session, int status);

    [LoggerMessage(5002, LogLevel.Warning, "WebSocket session {Session} failed with {ErrorType}; the socket is closed")]
    public static partial void SessionFailed(ILogger logger, string session, string errorType, Exception exception);

    [LoggerMessage(5003, LogLevel.Error, "The error callback of WebSocket session {Session} threw")]
    public static partial void ErrorCallbackFailed(ILogger logger, string session, Exception exception);

    [LoggerMessage(5004, LogLevel.Debug, "WebSocket session {Session}: the connection was lost ({ErrorType})")]
    public static partial void ConnectionLost(ILogger logger, string session, string errorType);

    [LoggerMessage(5005, LogLevel.Warning, "WebSocket session {Session} refused before the upgrade: {Reason}")]
    public static partial void Refused(ILogger logger, string session, string reason);
}
