using System.Security.Claims;
using KafkaConnector.Security;

namespace KafkaConnector.Connect;

/// <inheritdoc cref="IKafkaConnectApi"/>
/// <remarks>Each method demands its action through the gate, then forwards to the client unchanged.</remarks>
internal sealed class KafkaConnectApi(IKafkaPermissionGate gate, IKafkaConnectClient client) : IKafkaConnectApi
{
    /// <summary>The resource of a call that touches every connector.</summary>
    private const string Everything = "*";

    public async Task<IReadOnlyList<string>> ListConnectorsAsync(ClaimsPrincipal principal, CancellationToken cancellationToken = default)
    {
        await gate.DemandAsync(principal, KafkaConnectorAction.ConnectorList, Everything, cancellationToken).ConfigureAwait(false);
        return await client.ListConnectorsAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<KafkaConnectConnectorInfo> CreateConnectorAsync(ClaimsPrincipal principal, string name, IReadOnlyDictionary<string, string> config, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        await gate.DemandAsync(principal, KafkaConnectorAction.ConnectorNew, name, cancellationToken).ConfigureAwait(false);
        return await client.CreateConnectorAsync(name, config, cancellationToken).ConfigureAwait(false);
    }

    public async Task<KafkaConnectConnectorInfo> GetConnectorAsync(ClaimsPrincipal principal, string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        await gate.DemandAsync(principal, KafkaConnectorAction.ConnectorView, name, cancellationToken).ConfigureAwait(false);
        return await client.GetConnectorAsync(name, cancellationToken).ConfigureAwait(false);
    }

    public async Task<KafkaConnectConnectorStatus> GetConnectorStatusAsync(ClaimsPrincipal principal, string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        await gate.DemandAsync(principal, KafkaConnectorAction.ConnectorView, name, cancellationToken).ConfigureAwait(false);
        return await client.GetConnectorStatusAsync(name, cancellationToken).ConfigureAwait(false);
    }

    public async Task<KafkaConnectConnectorInfo> UpdateConnectorConfigAsync(ClaimsPrincipal principal, string name, IReadOnlyDictionary<string, string> config, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        await gate.DemandAsync(principal, KafkaConnectorAction.ConnectorUpdate, name, cancellationToken).ConfigureAwait(false);
        await gate.DemandAsync(principal, KafkaConnectorAction.ConnectorNew, name, cancellationToken).ConfigureAwait(false);
        return await client.UpdateConnectorConfigAsync(name, config, cancellationToken).ConfigureAwait(false);
    }

    public async Task DeleteConnectorAsync(ClaimsPrincipal principal, string name, bool deleteTopics = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        await gate.DemandAsync(principal, KafkaConnectorAction.ConnectorDelete, name, cancellationToken).ConfigureAwait(false);
                if (deleteTopics)
        {
            // The topics come from the connector's configuration: read it to check them before anything is deleted.
            var connector = await client.GetConnectorAsync(name, cancellationToken).ConfigureAwait(false);
            await gate.DemandAsync(principal, KafkaConnectorAction.TopicDelete, KafkaConnectClient.TopicsOf(connector.Config), cancellationToken).ConfigureAwait(false);
        }

        await client.DeleteConnectorAsync(name, deleteTopics, cancellationToken).ConfigureAwait(false);
    }

    public async Task PauseConnectorAsync(ClaimsPrincipal principal, string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        await gate.DemandAsync(principal, KafkaConnectorAction.ConnectorUpdate, name, cancellationToken).ConfigureAwait(false);
        await client.PauseConnectorAsync(name, cancellationToken).ConfigureAwait(false);
    }

    public async Task ResumeConnectorAsync(ClaimsPrincipal principal, string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        await gate.DemandAsync(principal, KafkaConnectorAction.ConnectorUpdate, name, cancellationToken).ConfigureAwait(false);
        await client.ResumeConnectorAsync(name, cancellationToken).ConfigureAwait(false);
    }

    public async Task<KafkaConnectConnectorStatus?> RestartConnectorAsync(
        ClaimsPrincipal principal, string name, bool includeTasks = false, bool onlyFailed = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        await gate.DemandAsync(principal, KafkaConnectorAction.ConnectorUpdate, name, cancellationToken).ConfigureAwait(false);
        return await client.RestartConnectorAsync(name, includeTasks, onlyFailed, cancellationToken).ConfigureAwait(false);
    }
}
