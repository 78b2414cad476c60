namespace KafkaConnector.Diagnostics;

/// <summary>
/// What the connector reports about itself, for health checks and dashboards: whether the brokers
/// answer, how the node's dispatcher is doing, and each receiver. Registered by <c>AddKafkaConnector</c>; reading
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

    /// <summary>
    /// Every registered receiver as it stands now: state, the partitions its consumer owns here, what it
    /// has in flight, its lag and its last error (the cluster's own receiver is left out). Empty without
    /// receivers. A stand-in for tests that does not override it reports none.
    /// </summary>
    IReadOnlyList<KafkaReceiverStatus> GetReceiverStatus() => [];
}
