using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace KafkaConnector.Admin;

/// <summary>Admin log events (ids 3100–3199).</summary>
internal static partial class AdminLog
{
    [LoggerMessage(3100, LogLevel.Information, "{Operation} succeeded for {Targets}")]
    internal static partial void Succeeded(ILogger logger, string operation, string targets);

    [LoggerMessage(3101, LogLevel.Warning, "{Operation} failed: {Failure}")]
    internal static partial void Failed(ILogger logger, string operation, string failure);

    [LoggerMessage(3102, LogLevel.Warning, "{Operation} is not supported by the broker: {Code} {Reason}")]
    internal static partial void NotSupported(ILogger logger, string operation, ErrorCode code, string reason);
}
