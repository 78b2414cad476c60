using System.Threading.Channels;

namespace KafkaConnector.AspNetCore.WebSockets.Internal;

/// <summary>
/// The bounded queue between whoever makes frames (a consumer, a channel broker) and the one loop
/// that writes them to the socket. A full queue makes the writer wait, up to the slow-client bound.
/// </summary>
internal sealed class SendQueue
{
    private readonly Channel<KafkaWebSocketFrame> _channel;
    private readonly TimeSpan _slowClientTimeout;
    private int _highWater;

    public SendQueue(int capacity, TimeSpan slowClientTimeout)
    {
        Capacity = capacity;
        _slowClientTimeout = slowClientTimeout;
        _channel = Channel.CreateBounded<KafkaWebSocketFrame>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
    }

    public int Capacity { get; }

    /// <summary>Frames queued now.</summary>
    public int Count => _channel.Reader.Count;

    /// <summary>The most frames ever queued at once.</summary>
    public int HighWater => Volatile.Read(ref _highWater);

    public ChannelReader<KafkaWebSocketFrame> Reader => _channel.Reader;

    /// <summary>Queues a frame, waiting while the queue is full.</summary>
    /// <returns>False when the queue is closed.</returns>
    /// <exception cref="KafkaWebSocketSlowClientException">The queue stayed full past the slow-client bound.</exception>
    public async ValueTask<bool> EnqueueAsync(KafkaWebSocketFrame frame, CancellationToken cancellationToken)
    {
        if (_channel.Writer.TryWrite(frame))
        {
            Noted();
            return true;
        }

        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(_slowClientTimeout);
        try
        {
            await _channel.Writer.WriteAsync(frame, bound.Token).ConfigureAwait(false);
            Noted();
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new KafkaWebSocketSlowClientException(Capacity, _slowClientTimeout);
        }
        catch (ChannelClosedException)
        {
            return false;
        }
    }

    /// <summary>Queues a frame without waiting; false when the queue is full or closed.</summary>
    public bool TryEnqueue(KafkaWebSocketFrame frame)
    {
        if (!_channel.Writer.TryWrite(frame))
        {
            return false;
        }

        Noted();
        return true;
    }

    /// <summary>No more frames: the writer loop ends after what is queued, or at once when it stops taking.</summary>
    public void Complete() => _channel.Writer.TryComplete();

    private void Noted()
    {
        var count = _channel.Reader.Count;
        int seen;
        while (count > (seen = Volatile.Read(ref _highWater)) && Interlocked.CompareExchange(ref _highWater, count, seen) != seen)
        {
        }
    }
}
