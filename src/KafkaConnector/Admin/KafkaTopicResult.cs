using Confluent.Kafka;

namespace KafkaConnector.Admin;

/// <summary>The outcome of an admin operation for one topic.</summary>
/// <param name="Topic">The topic.</param>
/// <param name="Error">Why the operation failed for this topic, or null when it succeeded.</param>
public sealed record KafkaTopicResult(string Topic, Error? Error)
{
    /// <summary>Whether the operation succeeded for this topic.</summary>
    public bool IsSuccess => Error is null;

    /// <inheritdoc />
    public override string ToString() => IsSuccess ? $"{Topic}: ok" : $"{Topic}: {Error!.Code} ({Error.Reason})";
}
