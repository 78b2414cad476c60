using Confluent.Kafka;

namespace KafkaConnector.Messages;

/// <summary>
/// The outcome of producing one message: where it was written, or why it was not. Delivery
/// callbacks and <c>ProduceAsync</c> both report it; nothing fails without one.
/// </summary>
public sealed class KafkaDeliveryResult
{
    internal KafkaDeliveryResult(KafkaMessage message, int partition, long offset, PersistenceStatus status, Error? error)
    {
        Message = message;
        Partition = partition;
        Offset = offset;
        Status = status;
        Error = error is { IsError: true } ? error : null;
    }

    /// <summary>The message as it was given to produce.</summary>
    public KafkaMessage Message { get; }

    /// <summary>The partition written to (-1 when unknown).</summary>
    public int Partition { get; }

    /// <summary>The offset written at (-1001 when not written).</summary>
    public long Offset { get; }

    /// <summary>Whether the broker has the message: Persisted, NotPersisted or PossiblyPersisted.</summary>
    public PersistenceStatus Status { get; }

    /// <summary>The error, or null when delivered.</summary>
    public Error? Error { get; }

    /// <summary>Whether the message was delivered.</summary>
    public bool IsSuccess => Error is null;

    /// <inheritdoc />
    public override string ToString() => IsSuccess
        ? $"delivered to {Message.Topic}[{Partition}]@{Offset}"
        : $"not delivered to {Message.Topic}: {Error!.Code} {Error.Reason} ({Status})";
}
