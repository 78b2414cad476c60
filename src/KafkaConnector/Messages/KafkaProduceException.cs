using Confluent.Kafka;

namespace KafkaConnector.Messages;

/// <summary>Thrown by <c>ProduceAsync</c> when a message was not delivered; carries the full result.</summary>
public sealed class KafkaProduceException : KafkaException
{
    /// <summary>Creates the exception for a failed delivery.</summary>
    public KafkaProduceException(KafkaDeliveryResult result)
        : base(result?.Error ?? new Error(ErrorCode.Unknown))
    {
        ArgumentNullException.ThrowIfNull(result);
        Result = result;
    }

    /// <summary>The delivery result, with the message and its status.</summary>
    public KafkaDeliveryResult Result { get; }

    /// <inheritdoc />
    public override string Message => $"Message to topic '{Result.Message.Topic}' was not delivered: {Result.Error!.Code} ({Result.Error.Reason}); status {Result.Status}.";
}
