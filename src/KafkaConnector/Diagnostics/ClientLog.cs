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

    /// <summary>
    /// Writes one librdkafka log line at the matching level; alike lines from one client are
    /// written once per <paramref name="repeats"/> window (debug lines, asked for, always).
    /// </summary>
    internal static void Native(ILogger logger, LogMessage message, SecretScrubber scrubber, RepeatedMessageFilter repeats)
    {
        var level = ToLogLevel(message.Level);
        if (!logger.IsEnabled(level))
        {
            return;
        }

        var suppressed = 0;
        if (level > LogLevel.Debug && !repeats.ShouldWrite(message.Name, message.Message, out suppressed))
        {
            return;
        }

        WriteSuppressed(logger, message.Name, suppressed, repeats.Window);
        var text = scrubber.Scrub(message.Message);
        NativeMessage(logger, level, message.Name, message.Facility, text);
    }

    /// <summary>Counts every error; logs a fatal one always, a transient one once per window of alike ones.</summary>
    internal static void Error(ILogger logger, KafkaConnectorMetrics metrics, string client, Error error, SecretScrubber scrubber, RepeatedMessageFilter repeats)
    {
        metrics.ClientError(error.Code.ToString());
        if (!logger.IsEnabled(error.IsFatal ? LogLevel.Critical : LogLevel.Warning))
        {
            return;
        }

        var suppressed = 0;
        if (!error.IsFatal && !repeats.ShouldWrite(client, $"{error.Code}: {error.Reason}", out suppressed))
        {
            return;
        }

        WriteSuppressed(logger, client, suppressed, repeats.Window);
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

    private static void WriteSuppressed(ILogger logger, string client, int suppressed, TimeSpan window)
    {
        if (suppressed > 0)
        {
            Suppressed(logger, suppressed, client, window.TotalSeconds);
        }
    }

    [LoggerMessage(EventId = 1, Message = "librdkafka {Client} [{Facility}] {Message}")]
    private static partial void NativeMessage(ILogger logger, LogLevel level, string client, string facility, string message);

    [LoggerMessage(2, LogLevel.Warning, "Kafka client {Client} reported {Code}: {Reason}. The client retries on its own.")]
    private static partial void TransientError(ILogger logger, string client, ErrorCode code, string reason);

    [LoggerMessage(4, LogLevel.Information, "{Count} more message(s) alike the next one from Kafka client {Client} were held back in the last {Window} s (counted in kafkaconnector.client.errors when errors).")]
    private static partial void Suppressed(ILogger logger, int count, string client, double window);

    [LoggerMessage(3, LogLevel.Critical, "Kafka client {Client} failed fatally with {Code}: {Reason}. It cannot be used any more.")]
    private static partial void FatalError(ILogger logger, string client, ErrorCode code, string reason);
}
