using KafkaConnector.Messages;

namespace KafkaConnector.Receivers;

/// <summary>
/// Application code that receives messages in batches: up to a number of messages, or what arrived
/// within a time bound, of one partition, in offset order. Register it with
/// <c>.AddBatchReceiver&lt;T&gt;(topicFilter, maxMessages, maxWait)</c>, with <see cref="KafkaReceiverAttribute"/>
/// (<see cref="KafkaReceiverAttribute.BatchSize"/>) and an assembly scan, or at runtime through
/// <see cref="IKafkaReceiverRegistry.RegisterBatch"/>.
/// </summary>
/// <remarks>
/// The batch is committed once <see cref="ReceiveAsync"/> returned (at-least-once: a batch cut short
/// by a crash is read again whole). An exception goes through the receiver's <see cref="KafkaErrorPolicy"/>
/// for the whole batch: retried, then every message of it dead-lettered by default; a hold holds the
/// partition at the batch's first message; a stop stops the receiver there. Batches of one partition
/// run one after the other; different partitions run in parallel. Receiver stages
/// (<see cref="Pipeline.IKafkaReceiverStage"/>) see single messages only: they do not run for batches.
/// </remarks>
public interface IKafkaBatchReceiver
{
    /// <summary>Handles one batch.</summary>
    /// <param name="messages">At least one message, all of one partition, in offset order.</param>
    /// <param name="cancellationToken">Fires when the work must be abandoned.</param>
    Task ReceiveAsync(IReadOnlyList<KafkaMessage> messages, CancellationToken cancellationToken);
}
