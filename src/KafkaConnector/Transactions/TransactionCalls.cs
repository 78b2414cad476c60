using Confluent.Kafka;

namespace KafkaConnector.Transactions;

/// <summary>How a transaction call ended.</summary>
internal enum TransactionOutcome
{
    /// <summary>It did what it was asked (the transaction committed, or aborted when asked to).</summary>
    Done,

    /// <summary>The commit failed in a way that requires an abort, and the transaction was aborted: nothing of it is visible.</summary>
    Aborted,

    /// <summary>The producer can do nothing more (fenced by a newer producer with the same <c>transactional.id</c>, or another fatal error).</summary>
    Fatal,
}

/// <summary>
/// The transaction calls of one transactional producer, with librdkafka's three kinds of failure
/// told apart: retriable (a timeout: the same call again, until <c>giveUp</c> fires), requires
/// abort (the transaction is aborted), fatal (the producer is finished; <see cref="FatalError"/>).
/// Poll thread only.
/// </summary>
internal sealed class TransactionCalls(IProducer<byte[], byte[]> producer, Action<string, KafkaException> retrying)
{
    private static readonly TimeSpan RetryPause = TimeSpan.FromMilliseconds(100);

    /// <summary>The error that finished the producer, if one did.</summary>
    public Error? FatalError { get; private set; }

    /// <summary>The error that made the last commit abort, if it did.</summary>
    public KafkaException? AbortCause { get; private set; }

    /// <summary>
    /// Registers the <c>transactional.id</c> with its coordinator: a previous producer with the same id
    /// is fenced and its open transaction aborted. False when fatal, or given up while retrying.
    /// </summary>
    public bool Initialize(TimeSpan timeout, CancellationToken giveUp) =>
        Run("initializing transactions", () => producer.InitTransactions(timeout), giveUp) is null;

    /// <summary>Begins a transaction; false when the producer can no longer (fatal).</summary>
    public bool Begin()
    {
        try
        {
            producer.BeginTransaction();
            return true;
        }
        catch (KafkaException e)
        {
            FatalError = e.Error; // only a fatal error or a broken state leads here
            return false;
        }
    }

    /// <summary>Sends <paramref name="offsets"/> with the consumer's group metadata and commits; aborts when the commit requires it.</summary>
    public TransactionOutcome Commit(IReadOnlyList<TopicPartitionOffset> offsets, IConsumerGroupMetadata group, TimeSpan timeout, CancellationToken giveUp)
    {
        AbortCause = null;
        var failure = offsets.Count == 0 ? null : Run("sending offsets to the transaction", () => producer.SendOffsetsToTransaction(offsets, group, timeout), giveUp);
        failure ??= Run("committing the transaction", () => producer.CommitTransaction(timeout), giveUp);
        if (failure is null)
        {
            return TransactionOutcome.Done;
        }

        if (FatalError is not null)
        {
            return TransactionOutcome.Fatal;
        }

        AbortCause = failure;
        return Abort(timeout, giveUp) == TransactionOutcome.Done ? TransactionOutcome.Aborted : TransactionOutcome.Fatal;
    }

    /// <summary>Aborts the open transaction: what it wrote is never visible to <c>read_committed</c> readers.</summary>
    public TransactionOutcome Abort(TimeSpan timeout, CancellationToken giveUp)
    {
        var failure = Run("aborting the transaction", () => producer.AbortTransaction(timeout), giveUp);
        if (failure is null)
        {
            return TransactionOutcome.Done;
        }

        // An abort that cannot complete leaves the producer unusable: the transaction ends when the
        // broker's transaction.timeout.ms expires or when the next producer with this id initializes.
        FatalError ??= failure.Error;
        return TransactionOutcome.Fatal;
    }

    /// <summary>Whether <paramref name="error"/> means that a newer producer with the same <c>transactional.id</c> took over.</summary>
    public static bool IsFenced(Error error) =>
        error.Code is ErrorCode.Local_Fenced or ErrorCode.ProducerFenced or ErrorCode.InvalidProducerEpoch or ErrorCode.TransactionCoordinatorFenced;

    private static bool IsRetriable(KafkaException e) => e is KafkaRetriableException;

    private static bool RequiresAbort(KafkaException e) => e is KafkaTxnRequiresAbortException;

    /// <summary>Runs <paramref name="call"/>, again while it fails retriably and <paramref name="giveUp"/> has not fired; returns the failure that remains.</summary>
    private KafkaException? Run(string what, Action call, CancellationToken giveUp)
    {
        while (true)
        {
            try
            {
                call();
                return null;
            }
            catch (KafkaException e) when (e.Error.IsFatal)
            {
                FatalError = e.Error;
                return e;
            }
            catch (KafkaException e) when (IsRetriable(e) && !RequiresAbort(e) && !giveUp.IsCancellationRequested)
            {
                retrying(what, e);
                giveUp.WaitHandle.WaitOne(RetryPause);
            }
            catch (KafkaException e) when (RequiresAbort(e) || IsRetriable(e))
            {
                return e;
            }
            catch (KafkaException e)
            {
                // Neither retriable nor abortable: a state the producer cannot leave.
                FatalError = e.Error;
                return e;
            }
        }
    }
}
