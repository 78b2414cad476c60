using System.Security.Claims;

namespace KafkaConnector.Security;

/// <summary>
/// Decides whether a caller may perform an action on a resource. The default implementation reads
/// rules from <c>KafkaConnector:Permissions</c> (<see cref="KafkaPermissionOptions"/>); register your
/// own singleton in the service collection to replace it, e.g. an adapter over ASP.NET Core's
/// <c>IAuthorizationService</c> (docs/security.md). <see cref="IKafkaConnectorApi"/> asks it before
/// every call reaches Kafka, logs the decision and counts denials.
/// </summary>
public interface IKafkaPermissionEvaluator
{
    /// <summary>Whether <paramref name="principal"/> may perform <paramref name="action"/> on <paramref name="resource"/>.</summary>
    /// <param name="principal">The caller, authenticated or not.</param>
    /// <param name="action">What the caller asks to do.</param>
    /// <param name="resource">
    /// A topic name; a regular expression starting with <c>^</c> for a pattern subscription; <c>prefix*</c>
    /// for a prefixed ACL and <c>*</c> for every topic; a connector name for connector actions; a receiver id
    /// (or <c>*</c>) for receiver actions.
    /// </param>
    /// <param name="cancellationToken">Cancels the decision.</param>
    /// <returns>True to allow; false to deny. An exception also denies, and reaches the caller.</returns>
    ValueTask<bool> IsAllowedAsync(ClaimsPrincipal principal, KafkaConnectorAction action, string resource, CancellationToken cancellationToken);
}
