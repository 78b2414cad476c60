using System.Diagnostics.Metrics;
using KafkaConnector.Diagnostics;

namespace KafkaConnector.Transactions;

/// <summary>
/// The transactional receivers' instruments, on the connector's one meter
/// (<see cref="KafkaConnectorMetrics.Meter"/>): transactions committed and aborted, fatal errors,
/// messages committed, dead letters, receiver failures, and how long a transaction stays open.
/// </summary>
internal sealed class TransactionMetrics
{
    private const string ReasonTag = "kafkaconnector.reason";

    private readonly Counter<long> _committed;
    private readonly Counter<long> _aborted;
    private readonly Counter<long> _fatal;
    private readonly Counter<long> _messages;
    private readonly Counter<long> _deadLettered;
    private readonly Counter<long> _failed;
    private readonly Histogram<double> _duration;

    public TransactionMetrics(KafkaConnectorMetrics metrics)
    {
        var meter = metrics.Meter;
        _committed = meter.CreateCounter<long>("kafkaconnector.transaction.committed", "{transaction}", "Transactions a transactional receiver committed.");
        _aborted = meter.CreateCounter<long>("kafkaconnector.transaction.aborted", "{transaction}", "Transactions a transactional receiver aborted, by reason.");
        _fatal = meter.CreateCounter<long>("kafkaconnector.transaction.fatal", "{error}", "Fatal errors (a fenced producer, among others) that ended a transactional receiver.");
        _messages = meter.CreateCounter<long>("kafkaconnector.transaction.messages", "{message}", "Consumed messages whose offsets a committed transaction carried.");
        _deadLettered = meter.CreateCounter<long>("kafkaconnector.transaction.dead_lettered", "{message}", "Messages a transactional receiver wrote to a dead-letter topic.");
        _failed = meter.CreateCounter<long>("kafkaconnector.transaction.receiver_failed", "{attempt}", "Transactional receiver calls that threw.");
        _duration = meter.CreateHistogram(
            "kafkaconnector.transaction.duration", "s", "Time from a transaction's first message to its commit.", tags: null,
            new InstrumentAdvice<double> { HistogramBucketBoundaries = KafkaConnectorMetrics.DurationBuckets });
    }

    public void Committed(string receiver, int messages, TimeSpan duration)
    {
        var tag = Receiver(receiver);
        _committed.Add(1, tag);
        _messages.Add(messages, tag);
        _duration.Record(duration.TotalSeconds, tag);
    }

    /// <summary>Counts an abort; <paramref name="reason"/> is <c>receiver_failed</c>, <c>commit_failed</c>, <c>lost</c>, <c>dead_letter_failed</c> or <c>stopping</c>.</summary>
    public void Aborted(string receiver, string reason) => _aborted.Add(1, Receiver(receiver), new KeyValuePair<string, object?>(ReasonTag, reason));

    public void Fatal(string receiver, string errorType) => _fatal.Add(1, Receiver(receiver), new KeyValuePair<string, object?>(KafkaConnectorMetrics.ErrorTypeTag, errorType));

    public void DeadLettered(string receiver, string topic) => _deadLettered.Add(1, Receiver(receiver), new KeyValuePair<string, object?>(KafkaConnectorMetrics.TopicTag, topic));

    public void ReceiverFailed(string receiver, string errorType) => _failed.Add(1, Receiver(receiver), new KeyValuePair<string, object?>(KafkaConnectorMetrics.ErrorTypeTag, errorType));

    private static KeyValuePair<string, object?> Receiver(string receiver) => new(KafkaConnectorMetrics.ReceiverTag, receiver);
}
