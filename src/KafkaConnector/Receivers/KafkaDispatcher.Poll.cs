using Confluent.Kafka;
using KafkaConnector.Engine;
using KafkaConnector.Messages;

namespace KafkaConnector.Receivers;

/// <summary>The dispatcher's side of the <see cref="PollLoop"/>: what it does before and after each poll and with each message.</summary>
internal sealed partial class KafkaDispatcher
{
    TimeSpan IPollHandler.PollTimeout
    {
        get
        {
            var timeout = _assignment!.Flow.PausedCount > 0 ? PausedPollInterval : _options.System.PollInterval;
            return _batches!.UntilDue is { } due && due < timeout ? due : timeout;
        }
    }

    bool IPollHandler.BeforePoll()
    {
        Volatile.Write(ref _lastPollTicks, Environment.TickCount64);
        if (_fatal is { } fatal)
        {
            DispatchLog.Fatal(_logger, fatal.Code, fatal.Reason);
            ReportFailed($"{fatal.Code}: {fatal.Reason}");
            return false;
        }

        if (_resubscribe)
        {
            _resubscribe = false;
            _router!.Invalidate();
            FitLimitsToBatches();
            Subscribe();
        }

        return true;
    }

    bool IPollHandler.OnMessage(ConsumeResult<byte[], byte[]> result)
    {
        var tracker = _assignment!.For(result);
        var message = KafkaMessage.FromConsumeResult(result);
        var targets = _router!.Targets(message, out var batches);
        if (targets.Length == 0 && batches.Length == 0)
        {
            tracker.Skip(result.Offset.Value);
            return true;
        }

        if (targets.Length > 0)
        {
            var work = _work!.Track(message, targets, tracker);
            DispatchLog.Dispatching(_logger, message.Topic, result.Partition.Value, result.Offset.Value, targets.Length);
            _scheduler!.Schedule(WorkKey.Of(message.Topic, result.Partition.Value, message.Key), work, reserved: targets.Length == 1 && targets[0].IsInternal, deferred: true);
        }

        if (batches.Length > 0)
        {
            _batches!.Add(batches, message, tracker);
        }

        return !_assignment.Flow.AtLimit(InFlight, tracker.Unfinished);
    }

    bool IPollHandler.OnConsumeError(ConsumeException error)
    {
        if (error.Error.IsFatal)
        {
            _fatal ??= error.Error; // the check before the next poll logs it once and tells the cluster
        }
        else
        {
            DispatchLog.ConsumeError(_logger, error.Error.Code, error.Error.Reason);
        }

        return false;
    }

    void IPollHandler.AfterPoll()
    {
        _batches!.CloseDue();
        _scheduler!.Flush(); // the batch just read, to the runners at once (before flow control waits for work to drain)
        var consumer = _consumer!;
        while (_work!.TryTakeFaulted(out var faulted))
        {
            if (_nodeHolds!.Rewind(consumer, faulted) is { } watermark)
            {
                // A message failed outside any receiver and can never finish: read its partition again.
                DispatchLog.Rewound(_logger, faulted.Partition.Topic, faulted.Partition.Partition.Value, watermark);
            }
        }

        _nodeHolds!.Apply(consumer);

        var control = TakeControlChanges();
        var (paused, resumed) = _assignment!.ApplyFlow(_pauser ??= new ConsumerPauser(consumer), _inFlight, _work.Finished, PauseGrace);
        if (paused > 0)
        {
            DispatchLog.Paused(_logger, paused, InFlight);
        }

        if (resumed > 0)
        {
            DispatchLog.Resumed(_logger, resumed);
        }

        PublishStatus(consumer, control);
        _scheduler!.Tick(); // more runners if the running ones block
        if (_sinceCommit.Elapsed >= _options.Dispatch.CommitInterval)
        {
            Commit(consumer);
            _sinceCommit.Restart();
        }
    }

    /// <summary>A batch of one partition runs after the one before it, in its own lane (not its messages' keys').</summary>
    private void ScheduleBatch(DispatchWork.BatchItem batch)
    {
        var receiver = batch.Targets[0];
        _work!.Handing(batch);
        DispatchLog.Dispatching(_logger, batch.Message.Topic, batch.Tracker.Partition.Partition.Value, batch.Message.Offset ?? -1, batch.Messages.Count);
        _scheduler!.Schedule(new WorkKey(batch.Message.Topic, batch.Tracker.Partition.Partition.Value, System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(receiver) | 1), batch, reserved: false, deferred: true);
    }

    /// <summary>
    /// Flow control keeps at least two full batches per partition, and four in all, in flight: a batch
    /// counts once handed over, and limits below that would pause partitions after every batch.
    /// </summary>
    private void FitLimitsToBatches()
    {
        var largest = Receivers.Where(r => r.IsBatch).Select(r => r.Batch!.MaxMessages).DefaultIfEmpty(0).Max();
        _assignment!.Flow.AtLeast(4 * largest, 2 * largest);
    }

    private void Subscribe()
    {
        // A receiver group's last receiver went: its dispatcher is being retired, and keeps what it has until it stops.
        if (_subscription.Update(Receivers) is { Count: > 0 } topics)
        {
            if (IsReady)
            {
                DispatchLog.Resubscribing(_logger, string.Join(',', topics));
            }

            _consumer!.Subscribe(topics);
        }
    }
}
