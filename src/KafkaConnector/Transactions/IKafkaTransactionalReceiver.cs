using KafkaConnector.Messages;

namespace KafkaConnector.Transactions;

/// <summary>
/// Application code that turns consumed messages into produced ones exactly once: what it writes to
/// <see cref="IKafkaTransactionalOutput"/> and the offset of the message it read are committed in
/// one Kafka transaction, so that readers with <c>isolation.level=read_committed</c> see each output
/// once, however often the message is processed. Register it with <c>.AddTransactionalReceiver&lt;T&gt;(topicFilter, groupId)</c>.
/// </summary>
/// <remarks>
/// Messages come one at a time, in offset order per partition, on the receiver's own consume
/// thread. Everything outside Kafka (a database, an HTTP call) is not part of the transaction: a
/// message whose transaction aborts is processed again, so such effects must be idempotent. An
/// exception aborts the transaction and goes through the receiver's <c>KafkaErrorPolicy</c>.
/// </remarks>
public interface IKafkaTransactionalReceiver
{
    /// <summary>Handles one message.</summary>
    /// <param name="message">The message, with topic, partition, offset and headers.</param>
    /// <param name="output">Where to write what the message becomes; valid only until this call returns.</param>
    /// <param name="cancellationToken">Fires when the node stops and the shutdown budget ran out.</param>
    Task ReceiveAsync(KafkaMessage message, IKafkaTransactionalOutput output, CancellationToken cancellationToken);
}
