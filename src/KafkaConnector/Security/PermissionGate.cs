using System.Security.Claims;
using KafkaConnector.Diagnostics;
using Microsoft.Extensions.Logging;

namespace KafkaConnector.Security;

/// <summary>
/// Asks the <see cref="IKafkaPermissionEvaluator"/> before a call goes on, logs every decision
/// (audit) and counts every refusal. A refusal throws <see cref="KafkaPermissionDeniedException"/>;
/// an evaluator that throws refuses too, with its own exception.
/// </summary>
internal sealed class PermissionGate(IKafkaPermissionEvaluator evaluator, KafkaConnectorMetrics metrics, ILoggerFactory loggerFactory) : IKafkaPermissionGate
{
    internal const string AuditCategory = "KafkaConnector.Security.Audit";
    internal const string Denied = "denied";
    internal const string Unauthenticated = "unauthenticated";
    internal const string Error = "error";

    private readonly ILogger _audit = loggerFactory.CreateLogger(AuditCategory);

    public async ValueTask DemandAsync(ClaimsPrincipal principal, KafkaConnectorAction action, IEnumerable<string> resources, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(resources);
        foreach (var resource in resources.Distinct(StringComparer.Ordinal))
        {
            await DemandAsync(principal, action, resource, cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DemandAsync(ClaimsPrincipal principal, KafkaConnectorAction action, string resource, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(principal);
        ArgumentNullException.ThrowIfNull(resource);
        cancellationToken.ThrowIfCancellationRequested();
        bool allowed;
        try
        {
            allowed = await evaluator.IsAllowedAsync(principal, action, resource, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            SecurityLog.CheckFailed(_audit, e, action, resource, Describe(principal));
            metrics.PermissionDenied(action.ToString(), Error);
            throw;
        }

        if (allowed)
        {
            SecurityLog.Allowed(_audit, action, resource, Describe(principal));
            return;
        }

        var outcome = principal.Identities.Any(i => i.IsAuthenticated) ? Denied : Unauthenticated;
        SecurityLog.Denied(_audit, action, resource, Describe(principal), outcome);
        metrics.PermissionDenied(action.ToString(), outcome);
        throw new KafkaPermissionDeniedException(action, resource);
    }

    private static string Describe(ClaimsPrincipal principal) => principal.Identity switch
    {
        { IsAuthenticated: true, Name: { } name } => name,
        { IsAuthenticated: true } => "(authenticated, unnamed)",
        _ => "(anonymous)",
    };
}
