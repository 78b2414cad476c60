using Confluent.Kafka;
using KafkaConnector.Engine;

namespace KafkaConnector.Consumers;

/// <summary>
/// Where a <see cref="StreamConsumer"/> puts what it reads: the buffer between its poll thread and
/// the stream's reader (a reactive stream's delivery thread, or an async stream's loop).
/// </summary>
internal interface IStreamBuffer
{
    /// <summary>Messages read by the stream's consumers and not yet taken by the reader: the load flow control limits.</summary>
    int Count { get; }

    /// <summary>A message just read (poll thread), with the tracker of the assignment it was read in.</summary>
    void Add(ConsumeResult<byte[], byte[]> result, PartitionTracker tracker);

    /// <summary>The stream cannot go on: it ends with <paramref name="error"/>.</summary>
    void Fail(Exception error);

    /// <summary>Before a consumer's last commit: waits at most <paramref name="timeout"/> until the reader let go of the message it holds.</summary>
    void WaitForReader(TimeSpan timeout);

    /// <summary>A consumer committed, left its group and was released (its poll thread, on the way out).</summary>
    void Closed();
}
