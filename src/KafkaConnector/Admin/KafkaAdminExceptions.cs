using Confluent.Kafka;

namespace KafkaConnector.Admin;

/// <summary>An admin operation failed; the message names the operation and the broker's reason.</summary>
public class KafkaAdminException : KafkaException
{
    /// <summary>Creates the exception for <paramref name="operation"/> failing with <paramref name="error"/>.</summary>
    public KafkaAdminException(string operation, Error error, string message, Exception? innerException = null)
        : base(error, innerException)
    {
        Operation = operation;
        Message = message;
    }

    /// <summary>The operation, e.g. <c>CreateTopics</c>.</summary>
    public string Operation { get; }

    /// <inheritdoc />
    public override string Message { get; }
}

/// <summary>
/// A topic operation failed for at least one topic. <see cref="Results"/> lists every topic of the
/// request, those that succeeded included: a partial failure is never silent.
/// </summary>
public sealed class KafkaTopicOperationException : KafkaAdminException
{
    /// <summary>Creates the exception from the per-topic results of <paramref name="operation"/>.</summary>
    public KafkaTopicOperationException(string operation, IReadOnlyList<KafkaTopicResult> results, Exception? innerException = null)
        : base(operation, FirstError(results), Describe(operation, results), innerException)
    {
        Results = results;
    }

    /// <summary>One result per topic of the request, in request order.</summary>
    public IReadOnlyList<KafkaTopicResult> Results { get; }

    /// <summary>The topics the operation failed for.</summary>
    public IEnumerable<KafkaTopicResult> Failures => Results.Where(r => !r.IsSuccess);

    private static Error FirstError(IReadOnlyList<KafkaTopicResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        return results.FirstOrDefault(r => !r.IsSuccess)?.Error ?? new Error(ErrorCode.Unknown);
    }

    private static string Describe(string operation, IReadOnlyList<KafkaTopicResult> results)
    {
        var failed = results.Where(r => !r.IsSuccess).ToList();
        return $"{operation} failed for {failed.Count} of {results.Count} topic(s): {string.Join("; ", failed)}."
            + (failed.Count < results.Count ? $" Succeeded: {string.Join(", ", results.Where(r => r.IsSuccess).Select(r => r.Topic))}." : "");
    }
}

/// <summary>
/// The broker does not serve an admin operation: it does not implement the request (the embedded
/// test broker, librdkafka's mock cluster, implements no topic or ACL administration and no group
/// listing or description), reports no controller, or has no authorizer for ACLs. Nothing was changed.
/// </summary>
public sealed class KafkaAdminNotSupportedException : NotSupportedException
{
    /// <summary>Creates the exception for <paramref name="operation"/> refused with <paramref name="error"/>.</summary>
    public KafkaAdminNotSupportedException(string operation, Error error, Exception? innerException = null)
        : base(Describe(operation, error), innerException)
    {
        ArgumentNullException.ThrowIfNull(error);
        Operation = operation;
        Error = error;
    }

    /// <summary>Creates the exception with <paramref name="advice"/> saying what to do instead.</summary>
    internal KafkaAdminNotSupportedException(string operation, Error error, string advice, Exception? innerException)
        : base(Describe(operation, error, advice), innerException)
    {
        Operation = operation;
        Error = error;
    }

    /// <summary>The operation, e.g. <c>CreateTopics</c>.</summary>
    public string Operation { get; }

    /// <summary>The error the client or broker reported.</summary>
    public Error Error { get; }

    private static string Describe(string operation, Error error, string? advice = null)
    {
        ArgumentNullException.ThrowIfNull(error);
        advice ??= error.Code == ErrorCode.SecurityDisabled
            ? "Configure an authorizer on the brokers (authorizer.class.name) to manage ACLs."
            : "The embedded test broker (librdkafka's mock cluster) has no admin protocol for topics, configs and ACLs: "
              + "create topics there with EmbeddedKafkaCluster.CreateTopic or by producing to them, and run admin operations against a real Kafka cluster "
              + "(e.g. set KAFKA_BOOTSTRAP_SERVERS).";
        return $"{operation} is not supported by this broker ({error.Code}: {error.Reason}). {advice}";
    }
}
