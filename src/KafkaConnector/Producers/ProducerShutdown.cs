using Confluent.Kafka;
using KafkaConnector.Diagnostics;
using Microsoft.Extensions.Logging;

namespace KafkaConnector.Producers;

/// <summary>Flushes a producer within a time limit; what is left is purged so its callbacks report the failure.</summary>
internal static class ProducerShutdown
{
    private static readonly TimeSpan PurgeReportWait = TimeSpan.FromSeconds(2);

    public static Task FlushAndDisposeAsync(IProducer<byte[], byte[]> producer, TimeSpan timeout, ILogger logger, KafkaConnectorMetrics metrics) => Task.Run(() =>
    {
        try
        {
            var pending = producer.Flush(timeout);
            if (pending > 0)
            {
                if (NativePurge.TryPurge(producer))
                {
                    ProducerLog.FlushTimedOut(logger, producer.Name, timeout, pending);
                    // Serves the purged messages' delivery reports (Local_PurgeQueue / Local_PurgeInflight).
                    producer.Flush(PurgeReportWait);
                }
                else
                {
                    ProducerLog.UndeliveredAtShutdown(logger, producer.Name, timeout, pending);
                    for (var i = 0; i < pending; i++)
                    {
                        metrics.DeliveryFailed("unknown", nameof(ErrorCode.Local_Destroy));
                    }
                }
            }
        }
        finally
        {
            producer.Dispose();
        }
    });
}
