namespace KafkaConnector.Diagnostics;

/// <summary>
/// What the connector reports about itself, for health checks and dashboards: whether the brokers
/// answer, and how the node's dispatcher is doing. Registered by <c>AddKafkaConnector</c>; reading
/// it never creates a topic nor starts the dispatcher.
/// </summary>
public interface IKafkaConnectorStatus
{
    /// <summary>Asks the cluster for its brokers (a metadata request every broker serves) and reports the answer.</summary>
    /// <param name="cancellationToken">Stops waiting for the answer.</param>
    /// <returns>The brokers the cluster reported, or why it did not answer within 5 s.</returns>
    Task<KafkaBrokerStatus> GetBrokerStatusAsync(CancellationToken cancellationToken = default);

    /// <summary>A snapshot of the node's dispatcher, the consume loop that feeds the receivers.</summary>
    KafkaDispatcherStatus GetDispatcherStatus();
}
