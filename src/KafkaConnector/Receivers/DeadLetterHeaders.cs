namespace KafkaConnector.Receivers;

/// <summary>
/// Headers the dispatcher adds when it writes a message to its dead-letter topic
/// (<c>&lt;topic&gt;.DLT</c> by default). Key, value and original headers are kept as they were.
/// </summary>
public static class DeadLetterHeaders
{
    /// <summary>The receiver that failed (its type name).</summary>
    public const string Receiver = "kc-dlt-receiver";

    /// <summary>The exception's full type name.</summary>
    public const string ExceptionType = "kc-dlt-exception-type";

    /// <summary>The exception's message (at most 1000 characters).</summary>
    public const string ExceptionMessage = "kc-dlt-exception-message";

    /// <summary>The topic the message was read from.</summary>
    public const string OriginalTopic = "kc-dlt-original-topic";

    /// <summary>Its partition.</summary>
    public const string OriginalPartition = "kc-dlt-original-partition";

    /// <summary>Its offset.</summary>
    public const string OriginalOffset = "kc-dlt-original-offset";

    /// <summary>Its timestamp, Unix milliseconds.</summary>
    public const string OriginalTimestamp = "kc-dlt-original-timestamp";

    /// <summary>How many times the receiver was called.</summary>
    public const string Attempts = "kc-dlt-attempts";
}
