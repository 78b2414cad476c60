using System.Security.Claims;

namespace KafkaConnector.Security;

/// <summary>
/// The check every permission-checked call makes before it acts: asks the
/// <see cref="IKafkaPermissionEvaluator"/>, logs the decision (event ids 3000–3002) and counts a
/// refusal (<c>kafkaconnector.permission.denied</c>). Modules that offer checked operations of their
/// own (Kafka Connect, ASP.NET Core endpoints) demand through it so that every module audits alike.
/// Registered by <c>AddPermissions()</c>.
/// </summary>
public interface IKafkaPermissionGate
{
    /// <summary>Returns when <paramref name="principal"/> may perform <paramref name="action"/> on <paramref name="resource"/>; throws otherwise.</summary>
    /// <param name="principal">The caller.</param>
    /// <param name="action">What the caller asks to do.</param>
    /// <param name="resource">A topic, a topic pattern, a connector name, or <c>*</c>.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <exception cref="KafkaPermissionDeniedException">The evaluator refused.</exception>
    ValueTask DemandAsync(ClaimsPrincipal principal, KafkaConnectorAction action, string resource, CancellationToken cancellationToken = default);

    /// <summary>Demands <paramref name="action"/> on every resource, in order; the first refusal ends the check.</summary>
    /// <param name="principal">The caller.</param>
    /// <param name="action">What the caller asks to do.</param>
    /// <param name="resources">The resources the call touches; each distinct one is checked once.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <exception cref="KafkaPermissionDeniedException">The evaluator refused one of them.</exception>
    ValueTask DemandAsync(ClaimsPrincipal principal, KafkaConnectorAction action, IEnumerable<string> resources, CancellationToken cancellationToken = default);
}
