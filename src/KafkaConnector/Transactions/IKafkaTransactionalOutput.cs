using KafkaConnector.Messages;

namespace KafkaConnector.Transactions;

/// <summary>
/// The messages a <see cref="IKafkaTransactionalReceiver"/> writes for the message it handles: they
/// join the open transaction and become visible to <c>read_committed</c> readers when it commits,
/// together with the consumed offsets, or never, when it aborts.
/// </summary>
public interface IKafkaTransactionalOutput
{
    /// <summary>
    /// Queues the message in the transaction and returns without waiting for the broker. A message that
    /// cannot be delivered makes the commit fail: the transaction aborts and the batch is processed again.
    /// </summary>
    /// <exception cref="ArgumentException">The message is not valid (topic name, partition); nothing was sent.</exception>
    /// <exception cref="InvalidOperationException">The receiver's call for this output already returned.</exception>
    void Enqueue(KafkaMessage message);

    /// <summary>Writes the message in the transaction and completes when the broker acknowledged it (it stays invisible until the commit).</summary>
    /// <exception cref="KafkaProduceException">The message was not delivered; the result says why.</exception>
    /// <exception cref="InvalidOperationException">The receiver's call for this output already returned.</exception>
    Task<KafkaDeliveryResult> ProduceAsync(KafkaMessage message, CancellationToken cancellationToken = default);
}
