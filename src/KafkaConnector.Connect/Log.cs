using Microsoft.Extensions.Logging;

namespace KafkaConnector.Connect;

/// <summary>
/// Log events of the Kafka Connect client, ids 4000–4099. Request and response bodies are never logged:
/// connector configurations carry passwords.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 4000, Level = LogLevel.Debug,
        Message = "Kafka Connect {Method} {Path} answered {StatusCode} in {ElapsedMilliseconds:0.0} ms")]
    public static partial void RequestCompleted(
        this ILogger logger, string method, string path, int statusCode, double elapsedMilliseconds);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning,
        Message = "Kafka Connect could not {Operation}: {Method} {Path} answered {StatusCode} (error_code {ErrorCode})")]
    public static partial void RequestFailed(
        this ILogger logger, string operation, string method, string path, int statusCode, int? errorCode);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning,
        Message = "Kafka Connect could not {Operation}: {Method} {Path} got no answer within {Timeout} ({TimeoutKey})")]
    public static partial void RequestTimedOut(
        this ILogger logger, string operation, string method, string path, TimeSpan timeout, string timeoutKey);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Warning,
        Message = "Kafka Connect could not {Operation}: {Method} {Path} could not reach {BaseAddress}")]
    public static partial void RequestUnreachable(
        this ILogger logger, Exception exception, string operation, string method, string path, string baseAddress);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Information,
        Message = "Deleting topic {Topic} of the deleted Kafka Connect connector {Connector}")]
    public static partial void DeletingConnectorTopic(this ILogger logger, string topic, string connector);
}
