using Confluent.Kafka;
using KafkaConnector.Messages;
using KafkaConnector.Producers;

namespace KafkaConnector.Transactions;

/// <summary>
/// The output of one receiver call: messages go to the transactional producer, so they join the
/// open transaction. Closed when the call returns, so that a receiver that kept it cannot slip a
/// message into a later transaction (or into none).
/// </summary>
internal sealed class TransactionalOutput(IProducer<byte[], byte[]> producer, MessageSender sender) : IKafkaTransactionalOutput
{
    private volatile bool _closed;
    private int _count;

    /// <summary>Messages this call wrote (a receiver may write from several threads at once).</summary>
    public int Count => Volatile.Read(ref _count);

    public void Enqueue(KafkaMessage message)
    {
        EnsureOpen();
        sender.Send(producer, message, callback: null); // a failed delivery fails the commit
        Interlocked.Increment(ref _count);
    }

    public Task<KafkaDeliveryResult> ProduceAsync(KafkaMessage message, CancellationToken cancellationToken = default)
    {
        EnsureOpen();
        var delivery = sender.SendAsync(producer, message, cancellationToken);
        Interlocked.Increment(ref _count);
        return delivery;
    }

    public void Close() => _closed = true;

    private void EnsureOpen()
    {
        if (_closed)
        {
            throw new InvalidOperationException("This output belongs to a receiver call that has returned: its transaction may be committed already. Write only during ReceiveAsync.");
        }
    }
}
