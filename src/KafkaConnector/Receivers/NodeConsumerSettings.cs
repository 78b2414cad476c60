using KafkaConnector.Configuration;

namespace KafkaConnector.Receivers;

/// <summary>What the node's consumer always overrides in the configured consumer properties.</summary>
internal static class NodeConsumerSettings
{
    /// <summary>
    /// Manual commits always (the dispatcher's watermark commits are the only commits, whatever the
    /// configuration says); statistics every 5 s (for the consumer lag gauge) unless configured
    /// otherwise; and, when the node could not create its topics, let the broker create them on
    /// subscription, if it allows.
    /// </summary>
    /// <remarks>
    /// A receiver group's consumer uses the cooperative-sticky assignor unless one is configured (or the
    /// KIP-848 protocol, whose assignment the broker makes): a node joining or leaving then moves only the
    /// partitions that change owner, and the others keep flowing.
    /// </remarks>
    public static List<KeyValuePair<string, string>> Overrides(KafkaClientFactory clients, DispatchScope scope, bool provisioned)
    {
        var overrides = new List<KeyValuePair<string, string>>
        {
            new("enable.auto.commit", "false"),
            new("enable.auto.offset.store", "false"),
        };
        var configured = clients.CreateConsumerConfig(null);
        if (!scope.IsNode && configured.Get("partition.assignment.strategy") is null && !string.Equals(configured.Get("group.protocol"), "consumer", StringComparison.OrdinalIgnoreCase))
        {
            overrides.Add(new("partition.assignment.strategy", "cooperative-sticky"));
        }

        if (configured.StatisticsIntervalMs is null) // an explicit 0 switches them off
        {
            overrides.Add(new("statistics.interval.ms", "5000"));
        }

        if (!provisioned)
        {
            overrides.Add(new("allow.auto.create.topics", "true"));
        }

        return overrides;
    }
}
