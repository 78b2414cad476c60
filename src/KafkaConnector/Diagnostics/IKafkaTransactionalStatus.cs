namespace KafkaConnector.Diagnostics;

/// <summary>
/// How the node's transactional receivers are doing, for health checks and dashboards. Registered
/// by the first <c>AddTransactionalReceiver</c>; absent when the service has none.
/// </summary>
public interface IKafkaTransactionalStatus
{
    /// <summary>A snapshot of each transactional receiver, in registration order.</summary>
    IReadOnlyList<KafkaTransactionalReceiverStatus> GetTransactionalReceivers();
}
