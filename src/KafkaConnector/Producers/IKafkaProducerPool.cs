using KafkaConnector.Messages;

namespace KafkaConnector.Producers;

/// <summary>
/// Several producers used in turn, for throughput under many concurrent senders. The producer is
/// chosen when <c>Send</c> is called: messages without a key go round robin, messages with a key
/// always go to the same producer, so per-key order holds. Thread-safe without a global lock.
/// Disposing flushes every producer within the configured shutdown timeout.
/// </summary>
public interface IKafkaProducerPool : IAsyncDisposable
{
    /// <summary>How many producers the pool holds.</summary>
    int Size { get; }

    /// <summary>Produces without waiting; a failure is logged and counted.</summary>
    /// <exception cref="ArgumentException">The message is not valid; nothing was sent.</exception>
    void Send(KafkaMessage message);

    /// <summary>Produces without waiting; <paramref name="callback"/> gets the delivery result, success or failure.</summary>
    /// <exception cref="ArgumentException">The message is not valid; nothing was sent.</exception>
    void Send(KafkaMessage message, Action<KafkaDeliveryResult> callback);

    /// <summary>Produces and completes when the broker acknowledged the message.</summary>
    /// <exception cref="KafkaProduceException">The message was not delivered.</exception>
    Task<KafkaDeliveryResult> SendAsync(KafkaMessage message, CancellationToken cancellationToken = default);
}
