using KafkaConnector.Testing;

namespace KafkaConnector.Tests;

/// <summary>The group protocols rebalances are tested on: classic eager, classic cooperative-sticky, and KIP-848.</summary>
internal static class GroupProtocols
{
    public const string Eager = "classic-eager";
    public const string CooperativeSticky = "classic-cooperative-sticky";
    public const string Consumer = "consumer";

    /// <summary>Sets the consumer properties of <paramref name="protocol"/>; KIP-848 gets short broker-side timings on the embedded broker.</summary>
    public static void Apply(string protocol, IDictionary<string, string> consumer, KafkaTestCluster cluster)
    {
        switch (protocol)
        {
            case Eager:
                consumer["partition.assignment.strategy"] = "range";
                break;
            case CooperativeSticky:
                consumer["partition.assignment.strategy"] = "cooperative-sticky";
                break;
            case Consumer:
                consumer["group.protocol"] = "consumer";
                // Session and heartbeat belong to the broker under KIP-848; the client refuses them.
                consumer.Remove("session.timeout.ms");
                consumer.Remove("heartbeat.interval.ms");
                cluster.Embedded?.SetConsumerGroupProtocolTimings(TimeSpan.FromSeconds(3), TimeSpan.FromMilliseconds(300));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(protocol), protocol, "unknown group protocol");
        }
    }
}
