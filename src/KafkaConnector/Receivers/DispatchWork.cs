using System.Collections.Concurrent;
using KafkaConnector.Diagnostics;
using KafkaConnector.Engine;
using KafkaConnector.Messages;
using KafkaConnector.Receivers.Pipeline;
using Microsoft.Extensions.Logging;

namespace KafkaConnector.Receivers;

/// <summary>
/// Runs one message through its receivers on a scheduler runner and accounts for it: finished
/// (committable), dropped (revoked or stopping: read again by the next owner) or faulted (failed
/// outside any receiver: the poll loop reads its partition again). Counts what is in flight.
/// </summary>
internal sealed class DispatchWork(ReceiverInvoker invoker, KafkaConnectorMetrics metrics, ILogger logger) : IDisposable
{
    private readonly ManualResetEventSlim _finished = new(initialState: false);
    private readonly ConcurrentQueue<PartitionTracker> _faulted = new();
    private int _inFlight;
    private volatile bool _stopping;

    /// <summary>Messages read and not yet finished.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Set by every message that finishes; the poll thread resets it before waiting for a partition to drain.</summary>
    public ManualResetEventSlim Finished => _finished;

    /// <summary>From now on queued work is dropped, not run.</summary>
    public void Stop() => _stopping = true;

    /// <summary>A partition whose work faulted since the last call, to be read again from its watermark.</summary>
    public bool TryTakeFaulted(out PartitionTracker tracker) => _faulted.TryDequeue(out tracker!);

    /// <summary>Records a message read for <paramref name="targets"/>; returns the work item to schedule.</summary>
    public Item Track(KafkaMessage message, ReceiverRegistration[] targets, PartitionTracker tracker)
    {
        var item = tracker.Track(new Item(message, targets, tracker));
        Interlocked.Increment(ref _inFlight);
        foreach (var target in targets)
        {
            target.Dispatched();
        }

        return item;
    }

    /// <summary>Poll thread: the batch goes to the scheduler; its messages are in flight from now on.</summary>
    public void Handing(BatchItem batch)
    {
        var count = batch.Messages.Count;
        batch.Tracker.Collecting(-count);
        Interlocked.Add(ref _inFlight, count);
        batch.Targets[0].Dispatched(count);
    }

    public Task ProcessAsync(Item work) => work is BatchItem batch ? ProcessBatchAsync(batch) : ProcessMessageAsync(work);

    private async Task ProcessMessageAsync(Item work)
    {
        try
        {
            if (_stopping || work.Tracker.Revoked)
            {
                work.Tracker.Drop(); // not committed: read again after restart or by the partition's next owner
                return;
            }

            foreach (var registration in work.Targets)
            {
                await invoker.InvokeAsync(registration, work.Message, work.Tracker.Cancellation.Token).ConfigureAwait(false);
            }

            work.Tracker.Complete(work);
        }
        catch (OperationCanceledException)
        {
            work.Tracker.Drop();
        }
        catch (Exception e)
        {
            // Not from a receiver (those are retried and dead-lettered): e.g. the dead-letter write
            // while the connector shuts down. Left uncommitted, so it is read again; never silent.
            metrics.CallbackFailed("dispatch");
            DispatchLog.DispatchFailed(logger, e, work.Message.Topic, work.Message.Partition ?? -1, work.Message.Offset ?? -1);
            if (work.Tracker.Fault())
            {
                _faulted.Enqueue(work.Tracker);
            }
        }
        finally
        {
            foreach (var target in work.Targets)
            {
                target.Finished();
            }

            Interlocked.Decrement(ref _inFlight);
            if (!_finished.IsSet)
            {
                _finished.Set(); // wakes a poll thread waiting for a partition to drain
            }
        }
    }

    private async Task ProcessBatchAsync(BatchItem batch)
    {
        var receiver = batch.Targets[0];
        try
        {
            if (_stopping || batch.Tracker.Revoked)
            {
                batch.Tracker.Drop();
                return;
            }

            await invoker.InvokeBatchAsync(receiver, batch.Messages, batch.Tracker.Cancellation.Token).ConfigureAwait(false);
            batch.Tracker.Complete(batch); // every offset of the batch at once
        }
        catch (OperationCanceledException)
        {
            batch.Tracker.Drop();
        }
        catch (Exception e)
        {
            metrics.CallbackFailed("dispatch");
            DispatchLog.DispatchFailed(logger, e, batch.Message.Topic, batch.Message.Partition ?? -1, batch.Message.Offset ?? -1);
            if (batch.Tracker.Fault())
            {
                _faulted.Enqueue(batch.Tracker);
            }
        }
        finally
        {
            var count = batch.Messages.Count;
            receiver.Finished(count);
            Interlocked.Add(ref _inFlight, -count);
            if (!_finished.IsSet)
            {
                _finished.Set();
            }
        }
    }

    public void Dispose() => _finished.Dispose();

    /// <summary>One message for its receivers: its own entry in the partition's tracker, so one allocation per message.</summary>
    internal class Item(KafkaMessage message, ReceiverRegistration[] targets, PartitionTracker tracker) : PartitionTracker.Entry(message.Offset ?? -1)
    {
        public KafkaMessage Message { get; } = message;

        public ReceiverRegistration[] Targets { get; } = targets;

        public PartitionTracker Tracker { get; } = tracker;
    }

    /// <summary>
    /// One batch of a partition for one batch receiver: a single tracker entry for all its offsets
    /// (<see cref="PartitionTracker.TrackMore"/>), so a message in a batch allocates nothing but itself.
    /// </summary>
    /// <remarks>
    /// Until it is handed over (<see cref="Handing"/>) its messages count as collected, not in flight:
    /// they wait for more messages rather than for a receiver.
    /// </remarks>
    internal sealed class BatchItem : Item
    {
        private BatchItem(KafkaMessage first, ReceiverRegistration receiver, PartitionTracker tracker)
            : base(first, [receiver], tracker)
        {
            Messages = new List<KafkaMessage>(Math.Min(receiver.Batch!.MaxMessages, 1024)) { first };
        }

        /// <summary>Sized for a full batch (up to 1,024 at first), so that filling it does not copy it over and over.</summary>
        public List<KafkaMessage> Messages { get; }

        /// <summary>Poll thread: opens a batch of <paramref name="receiver"/> on the partition of <paramref name="tracker"/> with its first message.</summary>
        public static BatchItem Open(ReceiverRegistration receiver, KafkaMessage first, PartitionTracker tracker)
        {
            var batch = tracker.Track(new BatchItem(first, receiver, tracker));
            tracker.Collecting(1);
            return batch;
        }

        /// <summary>Poll thread: a later message of the same partition; it commits when the batch does.</summary>
        public void Add(KafkaMessage message)
        {
            Tracker.TrackMore(message.Offset ?? -1, this);
            Tracker.Collecting(1);
            Messages.Add(message);
        }
    }
}
