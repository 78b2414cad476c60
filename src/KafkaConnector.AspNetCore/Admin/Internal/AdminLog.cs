using Microsoft.Extensions.Logging;

namespace KafkaConnector.AspNetCore.Admin.Internal;

/// <summary>Log events of the REST admin endpoints (5200–5299), category <c>KafkaConnector.AspNetCore.Admin</c>.</summary>
internal static partial class AdminLog
{
    public const string Category = "KafkaConnector.AspNetCore.Admin";

    [LoggerMessage(5200, LogLevel.Information, "{Method} {Path} answered {Status}: {ErrorType}")]
    public static partial void Failed(ILogger logger, string method, string path, int status, string errorType);
}
