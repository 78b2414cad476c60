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
    public static List<KeyValuePair<string, string>> Overrides(KafkaClientFactory clients, bool provisioned)
    {
        var overrides = new List<KeyValuePair<string, string>>
        {
            new("enable.auto.commit", "false"),
            new("enable.auto.offset.store", "false"),
        };
        if (clients.CreateConsumerConfig(null).StatisticsIntervalMs is null) // an explicit 0 switches them off
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
