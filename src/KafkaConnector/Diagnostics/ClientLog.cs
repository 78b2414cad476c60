using Confluent.Kafka;
using KafkaConnector.Configuration;
using Microsoft.Extensions.Logging;

namespace KafkaConnector.Diagnostics;

/// <summary>Routes librdkafka's own log lines and error events to <see cref="ILogger"/> (event ids 1–99).</summary>
internal static partial class ClientLog
{
    internal static LogLevel ToLogLevel(SyslogLevel level) => level switch
    {
        SyslogLevel.Emergency or SyslogLevel.Alert or SyslogLevel.Critical => LogLevel.Critical,
        SyslogLevel.Error => LogLevel.Error,
        SyslogLevel.Warning => LogLevel.Warning,
        SyslogLevel.Notice or SyslogLevel.Info => LogLevel.Information,
        _ => LogLevel.Debug,
    };

    /// <summary>Writes one librdkafka log line at the matching level.</summary>
    internal static void Native(ILogger logger, LogMessage message, SecretScrubber scrubber)
    {
        var level = ToLogLevel(message.Level);
        if (logger.IsEnabled(level))
        {
            var text = scrubber.Scrub(message.Message);
            NativeMessage(logger, level, message.Name, message.Facility, text);
        }
    }

    internal static void Error(ILogger logger, KafkaConnectorMetrics metrics, string client, Error error, SecretScrubber scrubber)
    {
        metrics.ClientError(error.Code.ToString());
        if (!logger.IsEnabled(error.IsFatal ? LogLevel.Critical : LogLevel.Warning))
        {
            return;
        }

        var reason = scrubber.Scrub(error.Reason);
        if (error.IsFatal)
        {
            FatalError(logger, client, error.Code, reason);
        }
        else
        {
            TransientError(logger, client, error.Code, reason);
        }
    }

    [LoggerMessage(EventId = 1, Message = "librdkafka {Client} [{Facility}] {Message}")]
    private static partial void NativeMessage(ILogger logger, LogLevel level, string client, string facility, string message);

    [LoggerMessage(2, LogLevel.Warning, "Kafka client {Client} reported {Code}: {Reason}. The client retries on its own.")]
    private static partial void TransientError(ILogger logger, string client, ErrorCode code, string reason);

    [LoggerMessage(3, LogLevel.Critical, "Kafka client {Client} failed fatally with {Code}: {Reason}. It cannot be used any more.")]
    private static partial void FatalError(ILogger logger, string client, ErrorCode code, string reason);
}
