namespace KafkaConnector.Connect;

/// <summary>
/// Manages connectors through the Kafka Connect REST API of the worker at <see cref="KafkaConnectOptions.Url"/>.
/// Register it with <c>AddKafkaConnect()</c> on the connector builder.
/// </summary>
/// <remarks>
/// Every method throws <see cref="KafkaConnectConnectorNotFoundException"/> when the connector does not exist,
/// <see cref="KafkaConnectConflictException"/> when the worker answers 409 (the connector already exists, or a
/// rebalance is in progress), and <see cref="KafkaConnectException"/> for any other error status, a timeout or a
/// connection failure.
/// </remarks>
public interface IKafkaConnectClient
{
    /// <summary>Lists the names of the connectors (<c>GET /connectors</c>).</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    Task<IReadOnlyList<string>> ListConnectorsAsync(CancellationToken cancellationToken = default);

    /// <summary>Creates a connector (<c>POST /connectors</c>); fails with <see cref="KafkaConnectConflictException"/> when it exists.</summary>
    /// <param name="name">The connector's name.</param>
    /// <param name="config">The connector's configuration, such as <c>connector.class</c> and <c>tasks.max</c>.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The connector as the worker stored it.</returns>
    Task<KafkaConnectConnectorInfo> CreateConnectorAsync(
        string name,
        IReadOnlyDictionary<string, string> config,
        CancellationToken cancellationToken = default);

    /// <summary>Gets a connector's configuration, tasks and type (<c>GET /connectors/{name}</c>).</summary>
    /// <param name="name">The connector's name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    Task<KafkaConnectConnectorInfo> GetConnectorAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces a connector's configuration (<c>PUT /connectors/{name}/config</c>). As in Connect, this creates the
    /// connector when it does not exist.
    /// </summary>
    /// <param name="name">The connector's name.</param>
    /// <param name="config">The whole new configuration; keys left out are removed.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The connector as the worker stored it.</returns>
    Task<KafkaConnectConnectorInfo> UpdateConnectorConfigAsync(
        string name,
        IReadOnlyDictionary<string, string> config,
        CancellationToken cancellationToken = default);

    /// <summary>Deletes a connector (<c>DELETE /connectors/{name}</c>), halting its tasks.</summary>
    /// <param name="name">The connector's name.</param>
    /// <param name="deleteTopics">
    /// Also delete the topics named by the connector's <c>topic</c> or <c>topics</c> (comma-separated) configuration,
    /// through the registered <see cref="IKafkaConnectTopicDeleter"/>, after the connector is deleted.
    /// </param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="InvalidOperationException">
    /// <paramref name="deleteTopics"/> is true and no <see cref="IKafkaConnectTopicDeleter"/> is registered, or the
    /// connector's configuration names no topic. Nothing has been deleted.
    /// </exception>
    Task DeleteConnectorAsync(string name, bool deleteTopics = false, CancellationToken cancellationToken = default);

    /// <summary>Gets the state of a connector and its tasks (<c>GET /connectors/{name}/status</c>).</summary>
    /// <param name="name">The connector's name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    Task<KafkaConnectConnectorStatus> GetConnectorStatusAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Pauses a connector and its tasks (<c>PUT /connectors/{name}/pause</c>); the worker applies it asynchronously.</summary>
    /// <param name="name">The connector's name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    Task PauseConnectorAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Resumes a paused connector and its tasks (<c>PUT /connectors/{name}/resume</c>); the worker applies it asynchronously.</summary>
    /// <param name="name">The connector's name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    Task ResumeConnectorAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Restarts a connector (<c>POST /connectors/{name}/restart</c>).</summary>
    /// <param name="name">The connector's name.</param>
    /// <param name="includeTasks">Restart the connector's tasks as well as the connector instance.</param>
    /// <param name="onlyFailed">Restart only the instances whose state is <c>FAILED</c>.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>
    /// When <paramref name="includeTasks"/> or <paramref name="onlyFailed"/> is set, the status with the instances
    /// being restarted in state <c>RESTARTING</c> (HTTP 202); otherwise null (the worker answers 204 without a body).
    /// </returns>
    Task<KafkaConnectConnectorStatus?> RestartConnectorAsync(
        string name,
        bool includeTasks = false,
        bool onlyFailed = false,
        CancellationToken cancellationToken = default);
}
