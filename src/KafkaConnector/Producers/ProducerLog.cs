using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace KafkaConnector.Producers;

/// <summary>Producer log events (ids 1000–1099).</summary>
internal static partial class ProducerLog
{
    [LoggerMessage(1000, LogLevel.Error, "Message to topic {Topic} was not delivered: {Code} ({Reason}), status {Status}")]
    internal static partial void DeliveryFailed(ILogger logger, string topic, ErrorCode code, string reason, PersistenceStatus status);

    [LoggerMessage(1001, LogLevel.Error, "A delivery callback for topic {Topic} threw; the delivery result was {Outcome}")]
    internal static partial void CallbackThrew(ILogger logger, Exception exception, string topic, string outcome);

    [LoggerMessage(1002, LogLevel.Warning, "The producer's local queue stayed full for {Timeout}; message to topic {Topic} is reported as not delivered")]
    internal static partial void QueueFullTimeout(ILogger logger, TimeSpan timeout, string topic);

    [LoggerMessage(1003, LogLevel.Warning, "Flushing {Producer} did not finish within {Timeout}: {Pending} message(s) purged and reported as not delivered")]
    internal static partial void FlushTimedOut(ILogger logger, string producer, TimeSpan timeout, int pending);

    [LoggerMessage(1006, LogLevel.Error, "Flushing {Producer} did not finish within {Timeout}: {Pending} message(s) are lost with the producer (purge unavailable in this Confluent.Kafka version)")]
    internal static partial void UndeliveredAtShutdown(ILogger logger, string producer, TimeSpan timeout, int pending);

    [LoggerMessage(1007, LogLevel.Warning, "Synchronous disposal of the connector did not finish within {Timeout}; streams and the shared producer go on closing in the background")]
    internal static partial void DisposeTimedOut(ILogger logger, TimeSpan timeout);

    [LoggerMessage(1004, LogLevel.Debug, "Producer pool of {Size} producer(s) created")]
    internal static partial void PoolCreated(ILogger logger, int size);

    [LoggerMessage(1005, LogLevel.Information, "Producer pool of {Size} producer(s) flushed and closed")]
    internal static partial void PoolClosed(ILogger logger, int size);
}
