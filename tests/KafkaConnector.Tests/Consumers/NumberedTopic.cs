using System.Globalization;
using Confluent.Kafka;
using KafkaConnector.Messages;
using KafkaConnector.Testing;

namespace KafkaConnector.Tests.Consumers;

/// <summary>Topics of numbered messages: message i has value "i" and key "ki", in partition i % partitions at offset i / partitions.</summary>
internal static class NumberedTopic
{
    private static readonly TimeSpan FlushLimit = TimeSpan.FromSeconds(60);

    public static async Task<string> CreateAsync(KafkaTestCluster cluster, string hint, int partitions, int count, CancellationToken cancellationToken)
    {
        var topic = await cluster.CreateNewTopicAsync(hint, partitions, cancellationToken);
        using var producer = new ProducerBuilder<string, string>(cluster.CreateProducerConfig()).Build();
        for (var i = 0; i < count; i++)
        {
            producer.Produce(new TopicPartition(topic, i % partitions), new Message<string, string> { Key = $"k{i}", Value = i.ToString(CultureInfo.InvariantCulture) });
        }

        Assert.Equal(0, producer.Flush(FlushLimit));
        return topic;
    }

    /// <summary>The number a message carries.</summary>
    public static int Value(KafkaMessage message) => int.Parse(message.ValueAsString()!, CultureInfo.InvariantCulture);
}
