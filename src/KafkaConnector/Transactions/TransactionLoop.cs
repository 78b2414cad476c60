using Confluent.Kafka;
using KafkaConnector.Engine;
using KafkaConnector.Messages;
using KafkaConnector.Receivers;
using KafkaConnector.Receivers.Pipeline;
using Microsoft.Extensions.Logging;

namespace KafkaConnector.Transactions;

/// <summary>Timings of a <see cref="TransactionLoop"/>.</summary>
/// <param name="PollInterval">The longest a poll waits while no transaction is open.</param>
/// <param name="CallTimeout">How long one transaction call may block before it is tried again.</param>
/// <param name="DeadLetterSuffix">Appended to a topic's name to name its dead-letter topic.</param>
/// <param name="CommitBackoff">Delay after a failed commit, doubling while commits keep failing.</param>
/// <param name="MaxCommitBackoff">Upper bound of that delay.</param>
internal sealed record TransactionLoopSettings(TimeSpan PollInterval, TimeSpan CallTimeout, string DeadLetterSuffix, TimeSpan CommitBackoff, TimeSpan MaxCommitBackoff);

/// <summary>
/// The consume-transform-produce loop of one transactional receiver, as the poll handler of the
/// engine's <see cref="PollLoop"/>. A transaction begins with the first message read, takes
/// messages one at a time (each output joins it), and commits with the consumed offsets and the
/// consumer's group metadata when it holds <c>MaxBatchSize</c> messages or has been open
/// <c>MaxBatchDuration</c>; a rebalance commits it before partitions are revoked. A failure aborts
/// it, seeks its partitions back to where it began, and goes through the error policy
/// (<see cref="FailureLedger"/>): the retry waits with every partition paused (<see cref="FlowController"/>).
/// Runs on the receiver's poll thread; the rebalance callbacks run there too, inside <c>Consume</c>.
/// </summary>
internal sealed class TransactionLoop : IPollHandler
{
    private readonly TransactionalReceiverDescriptor _receiver;
    private readonly IConsumer<byte[], byte[]> _consumer;
    private readonly IPartitionPauser _pauser;
    private readonly TransactionCalls _calls;
    private readonly Func<TransactionalOutput> _newOutput;
    private readonly Func<KafkaMessage, IKafkaTransactionalOutput, CancellationToken, Task> _receive;
    private readonly TransactionLoopSettings _settings;
    private readonly TransactionMetrics _metrics;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly CancellationToken _abandon;
    private readonly TransactionBatch _batch;
    private readonly FailureLedger _failures;
    private readonly FlowController _flow = new(int.MaxValue, int.MaxValue, _ => false); // pauses only what is held
    private readonly HashSet<TopicPartition> _owned = [];
    private readonly List<TopicPartitionOffset> _deadLetters = [];
    private long? _retryAt;
    private int _commitFailures;
    private int _outputs;
    private volatile bool _stopped;
    private volatile Error? _fatal;
    private long _committed;
    private long _aborted;

    /// <param name="receiver">The registration: name, group, batch bounds.</param>
    /// <param name="policy">The error policy, its backoffs filled in.</param>
    /// <param name="consumer">The receiver's consumer (read_committed, manual commits), subscribed with this loop's rebalance callbacks.</param>
    /// <param name="pauser">Pauses and resumes the consumer's partitions.</param>
    /// <param name="calls">The transactional producer's calls.</param>
    /// <param name="newOutput">An output over the transactional producer, one per receiver call.</param>
    /// <param name="receive">Calls the receiver.</param>
    /// <param name="settings">Timings.</param>
    /// <param name="metrics">The transaction instruments.</param>
    /// <param name="logger">The transactions logger.</param>
    /// <param name="time">The clock of batch durations and backoffs.</param>
    /// <param name="abandon">Fires when work in progress must be given up (stop past its budget).</param>
    public TransactionLoop(
        TransactionalReceiverDescriptor receiver,
        KafkaErrorPolicy policy,
        IConsumer<byte[], byte[]> consumer,
        IPartitionPauser pauser,
        TransactionCalls calls,
        Func<TransactionalOutput> newOutput,
        Func<KafkaMessage, IKafkaTransactionalOutput, CancellationToken, Task> receive,
        TransactionLoopSettings settings,
        TransactionMetrics metrics,
        ILogger logger,
        TimeProvider time,
        CancellationToken abandon)
    {
        _receiver = receiver;
        _consumer = consumer;
        _pauser = pauser;
        _calls = calls;
        _newOutput = newOutput;
        _receive = receive;
        _settings = settings;
        _metrics = metrics;
        _logger = logger;
        _time = time;
        _abandon = abandon;
        _batch = new TransactionBatch(receiver.Options.MaxBatchSize, receiver.Options.MaxBatchDuration, time);
        _failures = new FailureLedger(policy);
    }

    /// <summary>The fatal error that ended the loop, if any (any thread).</summary>
    public Error? FatalError => _fatal;

    /// <summary>Whether the error policy stopped the receiver (any thread).</summary>
    public bool IsStopped => _stopped;

    public long Committed => Interlocked.Read(ref _committed);

    public long Aborted => Interlocked.Read(ref _aborted);

    /// <summary>Whether a transaction is open.</summary>
    public bool InTransaction => _batch.IsOpen;

    public TimeSpan PollTimeout
    {
        get
        {
            var timeout = _settings.PollInterval;
            if (_batch.Remaining is { } left && left < timeout)
            {
                timeout = left;
            }

            if (_retryAt is { } at && _time.GetElapsedTime(_time.GetTimestamp(), at) is var wait && wait < timeout)
            {
                timeout = wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
            }

            return timeout;
        }
    }

    /// <summary>A fatal error seen by a client's error handler (any thread): the loop ends before its next poll.</summary>
    public void ReportFatal(Error error) => _fatal ??= error;

    public bool BeforePoll()
    {
        if (_fatal is not null)
        {
            return false;
        }

        if (_retryAt is { } at && _time.GetTimestamp() >= at)
        {
            _retryAt = null;
            if (!_stopped)
            {
                foreach (var partition in _owned)
                {
                    _flow.Release(partition);
                }
            }
        }

        ApplyFlow();
        return true;
    }

    public bool OnMessage(ConsumeResult<byte[], byte[]> result)
    {
        var position = result.TopicPartitionOffset;
        if (_retryAt is not null || _stopped || _fatal is not null)
        {
            // Fetched before its partition paused: read it again when the wait is over.
            Seek(position);
            return false;
        }

        if (!_batch.IsOpen)
        {
            if (!_calls.Begin())
            {
                Fail(_calls.FatalError!);
                return false;
            }

            _batch.Open();
            _outputs = 0;
        }

        _batch.Read(position);
        var message = KafkaMessage.FromConsumeResult(result);
        return (_failures.IsDeadLetter(position, out var error, out var attempts) ? DeadLetter(message, position, error, attempts) : Process(message, position))
            && !_batch.IsFull;
    }

    public bool OnConsumeError(ConsumeException error)
    {
        if (error.Error.IsFatal)
        {
            Fail(error.Error);
            return true;
        }

        TransactionLog.ConsumeError(_logger, _receiver.Name, error.Error.Code, error.Error.Reason);
        return false;
    }

    public void AfterPoll()
    {
        if (_batch.IsDue)
        {
            Commit();
        }

        ApplyFlow();
    }

    /// <summary>Partitions assigned (eager or incremental): their pause state is set explicitly on the next poll; held at once while the loop waits.</summary>
    public void OnAssigned(IReadOnlyCollection<TopicPartition> partitions)
    {
        _owned.UnionWith(partitions);
        _flow.Assigned(partitions);
        if (_retryAt is not null || _stopped)
        {
            foreach (var partition in partitions)
            {
                _flow.Hold(partition);
            }
        }

        TransactionLog.Rebalanced(_logger, _receiver.Name, "assigned", string.Join(',', partitions));
    }

    /// <summary>
    /// Partitions revoked (<paramref name="lost"/>: the session expired). The open transaction ends
    /// first: committed while the group still accepts this member's offsets, aborted when lost.
    /// </summary>
    public void OnRevoked(IReadOnlyCollection<TopicPartition> partitions, bool lost)
    {
        _owned.ExceptWith(partitions); // an abort from here on does not seek them
        if (_batch.IsOpen && _fatal is null)
        {
            if (lost)
            {
                Abort("lost");
            }
            else
            {
                Commit();
            }
        }

        _flow.Revoked(partitions);
        _failures.Revoked(partitions);
        TransactionLog.Rebalanced(_logger, _receiver.Name, lost ? "lost" : "revoked", string.Join(',', partitions));
    }

    /// <summary>
    /// The loop ended (stop or fatal): an open transaction whose messages all finished commits within
    /// <paramref name="timeout"/>; one whose message was abandoned was aborted already.
    /// </summary>
    public void Finish(TimeSpan timeout)
    {
        if (_batch.IsOpen && _fatal is null)
        {
            Commit(timeout);
        }
    }

    private bool Process(KafkaMessage message, TopicPartitionOffset position)
    {
        var output = _newOutput();
        try
        {
            // The receiver's own thread: blocking here holds nothing else up.
            _receive(message, output, _abandon).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (_abandon.IsCancellationRequested)
        {
            output.Close();
            Abort("stopping");
            return false;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            output.Close();
            ReceiverFailed(position, e);
            return false;
        }

        output.Close();
        _outputs += output.Count;
        _batch.Finished(position);
        return true;
    }

    private void ReceiverFailed(TopicPartitionOffset position, Exception error)
    {
        _metrics.ReceiverFailed(_receiver.Name, error.GetType().Name);
        var decision = _failures.Failed(position, error);
        if (!Abort("receiver_failed"))
        {
            return;
        }

        var (topic, partition, offset) = (position.Topic, position.Partition.Value, position.Offset.Value);
        switch (decision.Action)
        {
            case KafkaErrorAction.DeadLetter:
                TransactionLog.DeadLettering(_logger, error, _receiver.Name, topic, partition, offset, decision.Failures, topic + _settings.DeadLetterSuffix);
                break; // the rewind reads it again at once, and the next transaction writes it to the dead-letter topic
            case KafkaErrorAction.Stop:
                TransactionLog.StoppedByPolicy(_logger, error, _receiver.Name, topic, partition, offset);
                _stopped = true;
                Wait(TimeSpan.Zero);
                break;
            default:
                TransactionLog.Retrying(_logger, error, _receiver.Name, topic, partition, offset, decision.Failures, decision.Delay);
                Wait(decision.Delay);
                break;
        }
    }

    private bool DeadLetter(KafkaMessage message, TopicPartitionOffset position, Exception error, int attempts)
    {
        var topic = message.Topic + _settings.DeadLetterSuffix;
        var letter = new KafkaMessage(topic, message.Key, message.Value) { Headers = DeadLetterHeaders.For(_receiver.Name, message, error, attempts) };
        var output = _newOutput();
        try
        {
            output.Enqueue(letter);
        }
        catch (ArgumentException e)
        {
            // The dead-letter topic's name is not valid (too long): no retry can help.
            TransactionLog.StoppedByPolicy(_logger, e, _receiver.Name, position.Topic, position.Partition.Value, position.Offset.Value);
            _stopped = true;
            Abort("dead_letter_failed");
            Wait(TimeSpan.Zero);
            return false;
        }
        finally
        {
            output.Close();
        }

        _outputs++;
        _deadLetters.Add(position);
        _batch.Finished(position);
        return true;
    }

    private void Commit(TimeSpan? timeout = null)
    {
        var offsets = _batch.Offsets();
        var (messages, duration) = (_batch.Count, _batch.Elapsed);
        var outcome = _calls.Commit(offsets, _consumer.ConsumerGroupMetadata, timeout ?? _settings.CallTimeout, _abandon);
        switch (outcome)
        {
            case TransactionOutcome.Done:
                Interlocked.Increment(ref _committed);
                _commitFailures = 0;
                _failures.Committed(offsets);
                _metrics.Committed(_receiver.Name, messages, duration);
                TransactionLog.Committed(_logger, _receiver.Name, messages, _outputs, duration, string.Join(',', offsets));
                foreach (var letter in _deadLetters)
                {
                    _metrics.DeadLettered(_receiver.Name, letter.Topic);
                    TransactionLog.DeadLettered(_logger, letter.Topic, letter.Partition.Value, letter.Offset.Value, letter.Topic + _settings.DeadLetterSuffix, _receiver.Name);
                }

                _deadLetters.Clear();
                _batch.Close();
                break;
            case TransactionOutcome.Aborted:
                Rewind("commit_failed", _calls.AbortCause?.Error.Reason);
                Wait(Backoff.Compute(_settings.CommitBackoff, _settings.MaxCommitBackoff, ++_commitFailures));
                break;
            default:
                Fail(_calls.FatalError!);
                break;
        }
    }

    /// <summary>Aborts the open transaction and reads its partitions again; false when the producer failed fatally.</summary>
    private bool Abort(string reason)
    {
        if (!_batch.IsOpen)
        {
            return true;
        }

        if (_calls.Abort(_settings.CallTimeout, _abandon) != TransactionOutcome.Done)
        {
            Fail(_calls.FatalError!);
            return false;
        }

        Rewind(reason, detail: null);
        return true;
    }

    /// <summary>After an abort: each partition the transaction read, and this consumer still owns, is read again from where the transaction began.</summary>
    private void Rewind(string reason, string? detail)
    {
        var points = _batch.RewindPoints().Where(p => _owned.Contains(p.TopicPartition)).ToList();
        Interlocked.Increment(ref _aborted);
        _metrics.Aborted(_receiver.Name, reason);
        TransactionLog.Aborted(_logger, _receiver.Name, _batch.Count, detail is null ? reason : $"{reason}: {detail}", string.Join(',', points));
        _deadLetters.Clear();
        _batch.Close();
        foreach (var point in points)
        {
            Seek(point);
        }
    }

    private void Seek(TopicPartitionOffset position)
    {
        try
        {
            _consumer.Seek(position);
        }
        catch (KafkaException e)
        {
            // Going on would skip what the aborted transaction had read: stop instead.
            TransactionLog.SeekFailed(_logger, _receiver.Name, position.TopicPartition.ToString(), position.Offset.Value, e.Error.Reason);
            Fail(e.Error);
        }
    }

    /// <summary>Pauses every owned partition until <paramref name="delay"/> has passed (for good once stopped).</summary>
    private void Wait(TimeSpan delay)
    {
        _retryAt = _time.GetTimestamp() + (long)(delay.TotalSeconds * _time.TimestampFrequency);
        foreach (var partition in _owned)
        {
            _flow.Hold(partition);
        }

        ApplyFlow();
    }

    private void ApplyFlow()
    {
        if (_flow.IsDue(0, 0))
        {
            _flow.Apply(_pauser, 0, static _ => 0);
        }
    }

    private void Fail(Error error)
    {
        if (_fatal is not null)
        {
            return;
        }

        _fatal = error;
        _metrics.Fatal(_receiver.Name, error.Code.ToString());
        var fenced = TransactionCalls.IsFenced(error) ? ": fenced, another producer with the same transactional.id took over" : "";
        TransactionLog.Fatal(_logger, _receiver.Name, error.Code, error.Reason, fenced);
    }
}
