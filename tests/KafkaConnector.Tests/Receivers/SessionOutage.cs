using System.Diagnostics;
using Confluent.Kafka;
using KafkaConnector.EmbeddedKafka;
using KafkaConnector.Testing;
using KafkaConnector.Tests.Security;

namespace KafkaConnector.Tests.Receivers;

/// <summary>Brokers down long enough for a node to lose its session, and what the group committed meanwhile.</summary>
internal static class SessionOutage
{
    /// <summary>
    /// Takes every broker down until the node's partitions are revoked (event 1205) or 5 s passed, runs
    /// <paramref name="whileDown"/> once they are down, brings them up, then waits for the revocation.
    /// </summary>
    public static async Task RunAsync(EmbeddedKafkaCluster embedded, CapturedLog log, TimeSpan waitLimit, CancellationToken cancellationToken, Action? whileDown = null)
    {
        var revokedBefore = Revocations(log);
        embedded.SetBrokerDown(EmbeddedKafkaCluster.AllBrokers);
        try
        {
            whileDown?.Invoke();
            // An outage of up to 5 s, longer than the 2-3 s session: the classic client gives its
            // partitions up as lost during it; under KIP-848 the broker fences the member, seen on reconnect.
            var outage = Stopwatch.StartNew();
            while (Revocations(log) == revokedBefore && outage.Elapsed < TimeSpan.FromSeconds(5))
            {
                await Task.Delay(100, cancellationToken); // the fault's duration, not a synchronisation
            }
        }
        finally
        {
            embedded.SetBrokerUp(EmbeddedKafkaCluster.AllBrokers);
        }

        await Eventually.UntilAsync(() => Revocations(log) > revokedBefore, waitLimit, () => "the partitions to be lost because of the outage", cancellationToken);
    }

    /// <summary>The offset node <paramref name="nodeId"/>'s group committed for partition 0 of <paramref name="topic"/>, as another client reads it.</summary>
    public static Offset Committed(KafkaTestCluster cluster, string layer, string nodeId, string topic)
    {
        using var offsets = new ConsumerBuilder<byte[], byte[]>(cluster.CreateConsumerConfig(new KafkaConnector.Receivers.KafkaClusterTopicNames(layer, nodeId).GroupId)).Build();
        return offsets.Committed([new TopicPartition(topic, 0)], TimeSpan.FromSeconds(5)).Single().Offset;
    }

    private static int Revocations(CapturedLog log) => log.Entries.Count(e => e.Id.Id == 1205);
}
