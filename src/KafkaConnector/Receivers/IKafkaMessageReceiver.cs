using KafkaConnector.Messages;

namespace KafkaConnector.Receivers;

/// <summary>
/// Application code that receives messages from Kafka, bound to topics by a topic filter and
/// optionally to one key. Register it with <c>.AddReceiver&lt;T&gt;(topicFilter)</c>, with
/// <see cref="KafkaReceiverAttribute"/> and an assembly scan, or at runtime through
/// <see cref="IKafkaReceiverRegistry"/>.
/// </summary>
/// <remarks>
/// A message is committed only after every matching receiver finished it (at-least-once): make
/// receivers idempotent. An exception goes through the receiver's <see cref="KafkaErrorPolicy"/>:
/// by default it is retried with backoff, then the message goes to the dead-letter topic. The
/// cancellation token fires when the node stops or the message's partition moves to another node
/// and the grace period ran out.
/// </remarks>
public interface IKafkaMessageReceiver
{
    /// <summary>Handles one message.</summary>
    /// <param name="message">The message, with topic, partition, offset and headers.</param>
    /// <param name="cancellationToken">Fires when the work must be abandoned.</param>
    Task ReceiveAsync(KafkaMessage message, CancellationToken cancellationToken);
}
