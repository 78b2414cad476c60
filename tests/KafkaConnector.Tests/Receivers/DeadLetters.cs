using System.Diagnostics;
using Confluent.Kafka;
using KafkaConnector.Testing;

namespace KafkaConnector.Tests.Receivers;

/// <summary>Reads what the dispatcher wrote to a topic's dead-letter topic.</summary>
internal static class DeadLetters
{
    /// <summary>The first record of <c>&lt;topic&gt;.DLT</c>, or null when none came within <paramref name="limit"/>.</summary>
    public static ConsumeResult<byte[], byte[]>? ReadFirst(KafkaTestCluster cluster, string topic, TimeSpan limit)
    {
        using var dlt = new ConsumerBuilder<byte[], byte[]>(cluster.CreateConsumerConfig(cluster.NewGroupId())).Build();
        dlt.Subscribe(topic + ".DLT");
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < limit)
        {
            try
            {
                if (dlt.Consume(TimeSpan.FromMilliseconds(200)) is { } dead)
                {
                    return dead;
                }
            }
            catch (ConsumeException e) when (e.Error.Code == ErrorCode.UnknownTopicOrPart)
            {
                // The dead-letter topic is created by the first write to it.
            }
        }

        return null;
    }
}
