using System.Buffers;
using KafkaConnector.Messages;

namespace KafkaConnector.Producers;

/// <summary>Rejects messages Kafka would refuse, before they reach the client, with the field at fault named.</summary>
internal static class MessageValidator
{
    internal const int MaxTopicNameLength = 249;

    // Checked on every produce: a vectorised scan, without the enumerator and delegate calls of LINQ.
    private static readonly SearchValues<char> TopicNameChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-");

    public static void Validate(KafkaMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        ValidateTopicName(message.Topic, "message.Topic");
        if (message.Topic[0] == '_' && IsInternalTopic(message.Topic))
        {
            throw new ArgumentException($"'{message.Topic}' is one of Kafka's internal topics, which only brokers write.", "message.Topic");
        }

        if (message.Partition is < 0)
        {
            throw new ArgumentOutOfRangeException("message.Partition", message.Partition, $"Partition must be 0 or more (or null to let the partitioner choose); got {message.Partition} for topic '{message.Topic}'.");
        }
    }

    /// <summary>The topics a broker keeps for itself: offsets, transactions, KRaft metadata.</summary>
    internal static bool IsInternalTopic(string topic) => topic is "__consumer_offsets" or "__transaction_state" or "__cluster_metadata";

    /// <summary>Kafka's topic name rule: 1–249 of [A-Za-z0-9._-], not "." or "..".</summary>
    public static void ValidateTopicName(string? topic, string paramName)
    {
        if (string.IsNullOrEmpty(topic))
        {
            throw new ArgumentException("The topic name is empty.", paramName);
        }

        if (topic.Length > MaxTopicNameLength || topic is "." or ".." || topic.AsSpan().ContainsAnyExcept(TopicNameChars))
        {
            throw new ArgumentException($"'{topic}' is not a valid topic name: use 1 to {MaxTopicNameLength} letters, digits, '.', '_' or '-'.", paramName);
        }
    }
}
