using KafkaConnector.Receivers;

namespace KafkaConnector.Transactions;

/// <summary>A transactional receiver registered with <c>AddTransactionalReceiver</c>: its type, topics, group and settings.</summary>
internal sealed record TransactionalReceiverDescriptor(Type Type, KafkaTopicFilter Filter, string GroupId, KafkaTransactionalReceiverOptions Options)
{
    /// <summary>The receiver's name in logs, metrics and dead-letter headers: its type name.</summary>
    public string Name => Type.Name;

    /// <summary>
    /// The producer's <c>transactional.id</c>: the same for the same group on the same node, run after
    /// run, so that a restarted node fences its previous incarnation and aborts what it left open.
    /// </summary>
    public string TransactionalId(string nodeId) => $"{GroupId}.{nodeId}";

    public override string ToString() => $"{Name} on '{Filter}' in group '{GroupId}'";
}
