using System.Globalization;
using System.Text;
using Confluent.Kafka;
using KafkaConnector.Messages;

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

    /// <summary>The dead letter's headers: the message's own, then the <c>kc-dlt-*</c> ones.</summary>
    internal static Headers For(string receiver, KafkaMessage message, Exception error, int attempts)
    {
        var headers = new Headers();
        if (message.HasHeaders)
        {
            foreach (var header in message.Headers)
            {
                headers.Add(header.Key, header.GetValueBytes());
            }
        }

        var text = error.Message.Length > 1000 ? error.Message[..1000] : error.Message;
        headers.Add(Receiver, Encoding.UTF8.GetBytes(receiver));
        headers.Add(ExceptionType, Encoding.UTF8.GetBytes(error.GetType().FullName ?? error.GetType().Name));
        headers.Add(ExceptionMessage, Encoding.UTF8.GetBytes(text));
        headers.Add(OriginalTopic, Encoding.UTF8.GetBytes(message.Topic));
        headers.Add(OriginalPartition, Encoding.UTF8.GetBytes((message.Partition ?? -1).ToString(CultureInfo.InvariantCulture)));
        headers.Add(OriginalOffset, Encoding.UTF8.GetBytes((message.Offset ?? -1).ToString(CultureInfo.InvariantCulture)));
        headers.Add(OriginalTimestamp, Encoding.UTF8.GetBytes((message.Timestamp?.ToUnixTimeMilliseconds() ?? -1).ToString(CultureInfo.InvariantCulture)));
        headers.Add(Attempts, Encoding.UTF8.GetBytes(attempts.ToString(CultureInfo.InvariantCulture)));
        return headers;
    }
}
