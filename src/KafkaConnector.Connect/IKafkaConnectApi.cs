using System.Security.Claims;
using KafkaConnector.Connect;
using Microsoft.Extensions.DependencyInjection;

namespace KafkaConnector.Security;

/// <summary>Kafka Connect connectors, checked like every other call (needs <c>AddKafkaConnect()</c>).</summary>
public partial interface IKafkaConnectorApi
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

/// <remarks>The Connect client is optional: resolved per call, so the API works without <c>AddKafkaConnect()</c>.</remarks>
internal sealed partial class KafkaConnectorApi
{
    public async Task<IReadOnlyList<string>> ListConnectorsAsync(ClaimsPrincipal principal, CancellationToken cancellationToken = default)
    {
        await _gate.DemandAsync(principal, KafkaConnectorAction.ConnectorList, PermissionRule.Everything, cancellationToken).ConfigureAwait(false);
        return await Connect().ListConnectorsAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<KafkaConnectConnectorInfo> CreateConnectorAsync(ClaimsPrincipal principal, string name, IReadOnlyDictionary<string, string> config, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        await _gate.DemandAsync(principal, KafkaConnectorAction.ConnectorNew, name, cancellationToken).ConfigureAwait(false);
        return await Connect().CreateConnectorAsync(name, config, cancellationToken).ConfigureAwait(false);
    }

    public async Task<KafkaConnectConnectorInfo> GetConnectorAsync(ClaimsPrincipal principal, string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        await _gate.DemandAsync(principal, KafkaConnectorAction.ConnectorView, name, cancellationToken).ConfigureAwait(false);
        return await Connect().GetConnectorAsync(name, cancellationToken).ConfigureAwait(false);
    }

    public async Task<KafkaConnectConnectorStatus> GetConnectorStatusAsync(ClaimsPrincipal principal, string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        await _gate.DemandAsync(principal, KafkaConnectorAction.ConnectorView, name, cancellationToken).ConfigureAwait(false);
        return await Connect().GetConnectorStatusAsync(name, cancellationToken).ConfigureAwait(false);
    }

    public async Task<KafkaConnectConnectorInfo> UpdateConnectorConfigAsync(ClaimsPrincipal principal, string name, IReadOnlyDictionary<string, string> config, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        await _gate.DemandAsync(principal, KafkaConnectorAction.ConnectorUpdate, name, cancellationToken).ConfigureAwait(false);
        await _gate.DemandAsync(principal, KafkaConnectorAction.ConnectorNew, name, cancellationToken).ConfigureAwait(false);
        return await Connect().UpdateConnectorConfigAsync(name, config, cancellationToken).ConfigureAwait(false);
    }

    public async Task DeleteConnectorAsync(ClaimsPrincipal principal, string name, bool deleteTopics = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        await _gate.DemandAsync(principal, KafkaConnectorAction.ConnectorDelete, name, cancellationToken).ConfigureAwait(false);
        var connect = Connect();
        if (deleteTopics)
        {
            // The topics come from the connector's configuration: read it to check them before anything is deleted.
            var connector = await connect.GetConnectorAsync(name, cancellationToken).ConfigureAwait(false);
            await _gate.DemandAsync(principal, KafkaConnectorAction.TopicDelete, KafkaConnectClient.TopicsOf(connector.Config), cancellationToken).ConfigureAwait(false);
        }

        await connect.DeleteConnectorAsync(name, deleteTopics, cancellationToken).ConfigureAwait(false);
    }

    public async Task PauseConnectorAsync(ClaimsPrincipal principal, string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        await _gate.DemandAsync(principal, KafkaConnectorAction.ConnectorUpdate, name, cancellationToken).ConfigureAwait(false);
        await Connect().PauseConnectorAsync(name, cancellationToken).ConfigureAwait(false);
    }

    public async Task ResumeConnectorAsync(ClaimsPrincipal principal, string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        await _gate.DemandAsync(principal, KafkaConnectorAction.ConnectorUpdate, name, cancellationToken).ConfigureAwait(false);
        await Connect().ResumeConnectorAsync(name, cancellationToken).ConfigureAwait(false);
    }

    public async Task<KafkaConnectConnectorStatus?> RestartConnectorAsync(
        ClaimsPrincipal principal, string name, bool includeTasks = false, bool onlyFailed = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        await _gate.DemandAsync(principal, KafkaConnectorAction.ConnectorUpdate, name, cancellationToken).ConfigureAwait(false);
        return await Connect().RestartConnectorAsync(name, includeTasks, onlyFailed, cancellationToken).ConfigureAwait(false);
    }

    private IKafkaConnectClient Connect() =>
        _services.GetService<IKafkaConnectClient>()
        ?? throw new InvalidOperationException("Kafka Connect is not registered: call AddKafkaConnect() on the connector builder.");
}
