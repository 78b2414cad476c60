using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using Confluent.Kafka;
using KafkaConnector.Engine;

namespace KafkaConnector.Consumers;

/// <summary>
/// The buffer between an async stream's poll thread and its loop. The poll thread adds what it reads
/// (its flow control keeps the count near the stream's buffer size, so the channel is unbounded and
/// adding never blocks the poll thread); the loop reads one message at a time, skipping those whose
/// partition was revoked since they were read. Once the stream ended, reading returns null (shutdown)
/// or throws the error it ended with, whatever is still buffered.
/// </summary>
internal sealed class StreamChannel
{
    private readonly Channel<Item> _channel = Channel.CreateUnbounded<Item>(new UnboundedChannelOptions { SingleReader = true });
    private volatile bool _ended;
    private Exception? _error;

    /// <summary>Messages read and not yet taken by the loop.</summary>
    public BufferCount Count { get; } = new();

    /// <summary>Whether the stream ended (shutdown, disposal or an error).</summary>
    public bool Ended => _ended;

    /// <summary>A message just read (poll thread): tracked as unfinished in the tracker of the assignment it was read in.</summary>
    public void Add(ConsumeResult<byte[], byte[]> result, PartitionTracker tracker)
    {
        var entry = tracker.Track(result.Offset.Value);
        Count.Increment();
        if (!_channel.Writer.TryWrite(new Item(result, tracker, entry)))
        {
            Count.Decrement(); // ended: it stays uncommitted, and is read again by the group
        }
    }

    /// <summary>Ends the stream; with an <paramref name="error"/>, the next read throws it. The first end wins.</summary>
    public void End(Exception? error = null)
    {
        if (error is not null)
        {
            Interlocked.CompareExchange(ref _error, error, null);
        }

        _ended = true; // after the error: a reader that sees the end sees the error too
        _channel.Writer.TryComplete();
    }

    /// <summary>
    /// The next message for the loop, waiting for one; null once the stream ended without an error.
    /// A cancelled <paramref name="cancellationToken"/> throws <see cref="OperationCanceledException"/>
    /// at once, even with messages buffered.
    /// </summary>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public async ValueTask<Item?> ReadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_ended)
            {
                return Finished();
            }

            if (_channel.Reader.TryRead(out var item))
            {
                Count.Decrement();
                if (item.Tracker.Revoked)
                {
                    item.Tracker.Drop(); // revoked since it was read: its next owner reads it again
                    continue;
                }

                return item;
            }

            if (!await _channel.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return Finished();
            }
        }
    }

    private Item? Finished()
    {
        if (Volatile.Read(ref _error) is { } error)
        {
            ExceptionDispatchInfo.Throw(error);
        }

        return null;
    }

    /// <summary>A message waiting for the loop, with the tracker of the assignment it was read in.</summary>
    internal sealed record Item(ConsumeResult<byte[], byte[]> Result, PartitionTracker Tracker, PartitionTracker.Entry Entry);
}
