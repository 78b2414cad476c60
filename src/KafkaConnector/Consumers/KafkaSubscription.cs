using Confluent.Kafka;
using KafkaConnector.Producers;

namespace KafkaConnector.Consumers;

/// <summary>What a reactive stream reads: topics or a pattern through a consumer group, or explicit partitions.</summary>
public sealed class KafkaSubscription
{
    private KafkaSubscription(IReadOnlyList<string> topics, string? pattern, IReadOnlyList<TopicPartitionOffset> assignment)
    {
        Topics = topics;
        Pattern = pattern;
        Assignment = assignment;
    }

    /// <summary>Topics subscribed through the group (empty for a pattern or an assignment).</summary>
    public IReadOnlyList<string> Topics { get; }

    /// <summary>A regular expression (librdkafka syntax, starts with <c>^</c>) subscribed through the group, or null.</summary>
    public string? Pattern { get; }

    /// <summary>Partitions read directly, without group management (empty unless assigned).</summary>
    public IReadOnlyList<TopicPartitionOffset> Assignment { get; }

    /// <summary>Whether the partitions come from the consumer group (topics or pattern) rather than an assignment.</summary>
    public bool UsesGroup => Assignment.Count == 0;

    /// <summary>The topics, pattern or assigned topics: what permission checks look at.</summary>
    public IEnumerable<string> Resources => Pattern is not null ? [Pattern] : UsesGroup ? Topics : Assignment.Select(a => a.Topic).Distinct();

    /// <summary>Subscribes to <paramref name="topics"/> through the consumer group.</summary>
    /// <exception cref="ArgumentException">No topic, or a topic name Kafka would refuse.</exception>
    public static KafkaSubscription ToTopics(params IEnumerable<string> topics)
    {
        ArgumentNullException.ThrowIfNull(topics);
        var list = topics.Distinct(StringComparer.Ordinal).ToArray();
        if (list.Length == 0)
        {
            throw new ArgumentException("At least one topic is required.", nameof(topics));
        }

        foreach (var topic in list)
        {
            MessageValidator.ValidateTopicName(topic, nameof(topics));
        }

        return new KafkaSubscription(list, null, []);
    }

    /// <summary>
    /// Subscribes to every topic matching <paramref name="pattern"/>, including topics created
    /// later (picked up at the next metadata refresh). A leading <c>^</c> is added when missing,
    /// because librdkafka treats only such names as patterns.
    /// </summary>
    public static KafkaSubscription ToPattern(string pattern)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pattern);
        var anchored = pattern.StartsWith('^') ? pattern : "^" + pattern;
        try
        {
            _ = new System.Text.RegularExpressions.Regex(anchored, System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1));
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"'{pattern}' is not a valid regular expression: {e.Message}", nameof(pattern), e);
        }

        return new KafkaSubscription([], anchored, []);
    }

    /// <summary>Reads one partition directly, from <paramref name="offset"/> (default: the group's committed offset, else <c>auto.offset.reset</c>).</summary>
    public static KafkaSubscription ToPartition(string topic, int partition, Offset? offset = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(partition);
        return ToAssignment([new TopicPartitionOffset(topic, partition, offset ?? Offset.Unset)]);
    }

    /// <summary>Reads the given partitions directly, each from its offset.</summary>
    public static KafkaSubscription ToAssignment(IEnumerable<TopicPartitionOffset> assignment)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        var list = assignment.ToArray();
        if (list.Length == 0)
        {
            throw new ArgumentException("At least one partition is required.", nameof(assignment));
        }

        foreach (var tpo in list)
        {
            MessageValidator.ValidateTopicName(tpo.Topic, nameof(assignment));
            if (tpo.Partition.Value < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(assignment), tpo.Partition.Value, $"Partition of '{tpo.Topic}' must be 0 or more.");
            }
        }

        return new KafkaSubscription([], null, list);
    }

    /// <inheritdoc />
    public override string ToString() => Pattern is not null ? $"pattern {Pattern}" : UsesGroup ? $"topics {string.Join(',', Topics)}" : $"partitions {string.Join(',', Assignment)}";
}
