using System.Diagnostics;
using Confluent.Kafka;

namespace KafkaConnector.EmbeddedKafka.Tests;

internal static class ClientHelpers
{
    internal static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(60);

    /// <summary>Polls until <paramref name="count"/> messages arrived or the timeout passed; fails with what it saw.</summary>
    internal static List<ConsumeResult<TKey, TValue>> ConsumeExactly<TKey, TValue>(IConsumer<TKey, TValue> consumer, int count, TimeSpan? timeout = null)
    {
        var limit = timeout ?? WaitLimit;
        var results = new List<ConsumeResult<TKey, TValue>>(count);
        var watch = Stopwatch.StartNew();
        while (results.Count < count)
        {
            if (watch.Elapsed > limit)
            {
                Assert.Fail($"Expected {count} messages within {limit.TotalSeconds} s, received {results.Count}.");
            }

            var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (result is not null && !result.IsPartitionEOF)
            {
                results.Add(result);
            }
        }

        return results;
    }

    internal static async Task ProduceRangeAsync(IProducer<string, string> producer, string topic, int from, int count)
    {
        var deliveries = new Task[count];
        for (var i = 0; i < count; i++)
        {
            var n = from + i;
            deliveries[i] = producer.ProduceAsync(topic, new Message<string, string> { Key = $"k{n % 64}", Value = n.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        }

        await Task.WhenAll(deliveries);
    }
}
