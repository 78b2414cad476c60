using System.Security.Claims;
using KafkaConnector.Security;

namespace KafkaConnector.Connect;

/// <summary>
/// Kafka Connect connectors for code acting on behalf of a caller, each call checked through
/// <see cref="IKafkaPermissionGate"/> like every call of <see cref="IKafkaConnectorApi"/>: the call
/// reaches Kafka Connect only when the caller may perform the method's
/// <see cref="KafkaConnectorAction"/>. Registered by <c>AddKafkaConnect()</c>; resolving it needs
/// <c>AddPermissions()</c> too. After a check passes, each method behaves as its counterpart on
/// <see cref="IKafkaConnectClient"/> and throws what that throws.
/// </summary>
public interface IKafkaConnectApi
{
    /// <summary>Checks <see cref="KafkaConnectorAction.ConnectorList"/> on <c>*</c>, then lists the connectors' names.</summary>
    /// <exception cref="KafkaPermissionDeniedException">The caller may not list connectors.</exception>
    Task<IReadOnlyList<string>> ListConnectorsAsync(ClaimsPrincipal principal, CancellationToken cancellationToken = default);

    /// <summary>Checks <see cref="KafkaConnectorAction.ConnectorNew"/> on <paramref name="name"/>, then creates the connector.</summary>
    /// <exception cref="KafkaPermissionDeniedException">The caller may not create it; nothing was sent.</exception>
    Task<KafkaConnectConnectorInfo> CreateConnectorAsync(ClaimsPrincipal principal, string name, IReadOnlyDictionary<string, string> config, CancellationToken cancellationToken = default);

    /// <summary>Checks <see cref="KafkaConnectorAction.ConnectorView"/> on <paramref name="name"/>, then gets the connector.</summary>
    /// <exception cref="KafkaPermissionDeniedException">The caller may not view it.</exception>
    Task<KafkaConnectConnectorInfo> GetConnectorAsync(ClaimsPrincipal principal, string name, CancellationToken cancellationToken = default);

    /// <summary>Checks <see cref="KafkaConnectorAction.ConnectorView"/> on <paramref name="name"/>, then gets the state of the connector and its tasks.</summary>
    /// <exception cref="KafkaPermissionDeniedException">The caller may not view it.</exception>
    Task<KafkaConnectConnectorStatus> GetConnectorStatusAsync(ClaimsPrincipal principal, string name, CancellationToken cancellationToken = default);

    /// <summary>
    /// Checks <see cref="KafkaConnectorAction.ConnectorUpdate"/> on <paramref name="name"/> (and
    /// <see cref="KafkaConnectorAction.ConnectorNew"/> too, since Connect creates a connector that does not exist), then replaces its configuration.
    /// </summary>
    /// <exception cref="KafkaPermissionDeniedException">The caller may not update (or create) it; nothing was sent.</exception>
    Task<KafkaConnectConnectorInfo> UpdateConnectorConfigAsync(ClaimsPrincipal principal, string name, IReadOnlyDictionary<string, string> config, CancellationToken cancellationToken = default);

    /// <summary>
    /// Checks <see cref="KafkaConnectorAction.ConnectorDelete"/> on <paramref name="name"/> and, when
    /// <paramref name="deleteTopics"/> is set, <see cref="KafkaConnectorAction.TopicDelete"/> on each topic its
    /// configuration names; then deletes the connector (and those topics).
    /// </summary>
    /// <exception cref="KafkaPermissionDeniedException">The caller may not delete it or one of its topics; nothing was deleted.</exception>
    Task DeleteConnectorAsync(ClaimsPrincipal principal, string name, bool deleteTopics = false, CancellationToken cancellationToken = default);

    /// <summary>Checks <see cref="KafkaConnectorAction.ConnectorUpdate"/> on <paramref name="name"/>, then pauses the connector.</summary>
    /// <exception cref="KafkaPermissionDeniedException">The caller may not update it.</exception>
    Task PauseConnectorAsync(ClaimsPrincipal principal, string name, CancellationToken cancellationToken = default);

    /// <summary>Checks <see cref="KafkaConnectorAction.ConnectorUpdate"/> on <paramref name="name"/>, then resumes the connector.</summary>
    /// <exception cref="KafkaPermissionDeniedException">The caller may not update it.</exception>
    Task ResumeConnectorAsync(ClaimsPrincipal principal, string name, CancellationToken cancellationToken = default);

    /// <summary>Checks <see cref="KafkaConnectorAction.ConnectorUpdate"/> on <paramref name="name"/>, then restarts the connector.</summary>
    /// <exception cref="KafkaPermissionDeniedException">The caller may not update it.</exception>
    Task<KafkaConnectConnectorStatus?> RestartConnectorAsync(
        ClaimsPrincipal principal, string name, bool includeTasks = false, bool onlyFailed = false, CancellationToken cancellationToken = default);
}
