namespace KafkaConnector.Diagnostics;

/// <summary>A snapshot of one transactional receiver, from <see cref="IKafkaTransactionalStatus.GetTransactionalReceivers"/>.</summary>
public sealed class KafkaTransactionalReceiverStatus
{
    /// <summary>A snapshot as the connector takes it; public so that tests can stand in for <see cref="IKafkaTransactionalStatus"/>.</summary>
    /// <param name="receiver">See <see cref="Receiver"/>.</param>
    /// <param name="groupId">See <see cref="GroupId"/>.</param>
    /// <param name="transactionalId">See <see cref="TransactionalId"/>.</param>
    /// <param name="isReady">See <see cref="IsReady"/>.</param>
    /// <param name="hasEnded">See <see cref="HasEnded"/>.</param>
    /// <param name="fatalError">See <see cref="FatalError"/>.</param>
    /// <param name="isStopped">See <see cref="IsStopped"/>.</param>
    public KafkaTransactionalReceiverStatus(string receiver, string groupId, string transactionalId, bool isReady, bool hasEnded, string? fatalError, bool isStopped)
    {
        Receiver = receiver;
        GroupId = groupId;
        TransactionalId = transactionalId;
        IsReady = isReady;
        HasEnded = hasEnded;
        FatalError = fatalError;
        IsStopped = isStopped;
    }

    /// <summary>The receiver (its type name).</summary>
    public string Receiver { get; }

    /// <summary>Its consumer group.</summary>
    public string GroupId { get; }

    /// <summary>Its producer's <c>transactional.id</c> (<c>&lt;groupId&gt;.&lt;NodeId&gt;</c>).</summary>
    public string TransactionalId { get; }

    /// <summary>Whether its producer registered the <c>transactional.id</c> (fencing any previous one) and its consumer subscribed.</summary>
    public bool IsReady { get; }

    /// <summary>Whether its consume loop has ended (the host stopped it, or a fatal error did).</summary>
    public bool HasEnded { get; }

    /// <summary>The fatal error that ended it, as <c>code reason</c> (a fenced producer: another one with the same <c>transactional.id</c> took over), or null.</summary>
    public string? FatalError { get; }

    /// <summary>Whether its error policy stopped it (<c>KafkaErrorPolicy.ThenStop</c>): it commits nothing more until the node restarts.</summary>
    public bool IsStopped { get; }

    /// <summary>Transactions it committed.</summary>
    public long CommittedTransactions { get; init; }

    /// <summary>Transactions it aborted (a receiver failure, a failed commit, a lost partition, a stop mid-message).</summary>
    public long AbortedTransactions { get; init; }
}
