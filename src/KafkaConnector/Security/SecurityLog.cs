using Microsoft.Extensions.Logging;

namespace KafkaConnector.Security;

/// <summary>Permission audit events (ids 3000–3099), in category <see cref="PermissionGate.AuditCategory"/>.</summary>
internal static partial class SecurityLog
{
    [LoggerMessage(3000, LogLevel.Debug, "Allowed {Action} on '{Resource}' for {Principal}")]
    internal static partial void Allowed(ILogger logger, KafkaConnectorAction action, string resource, string principal);

    [LoggerMessage(3001, LogLevel.Warning, "Denied {Action} on '{Resource}' for {Principal} ({Outcome})")]
    internal static partial void Denied(ILogger logger, KafkaConnectorAction action, string resource, string principal, string outcome);

    [LoggerMessage(3002, LogLevel.Error, "Permission check of {Action} on '{Resource}' for {Principal} failed; the call is refused")]
    internal static partial void CheckFailed(ILogger logger, Exception exception, KafkaConnectorAction action, string resource, string principal);
}
