namespace KafkaConnector.AspNetCore.WebSockets;

/// <summary>Settings of one WebSocket endpoint (standard or channel mode).</summary>
public sealed class KafkaWebSocketOptions
{
    /// <summary>
    /// Frames waiting to be sent to one socket (default 256). When the queue is full, the producer
    /// of frames waits (the session's consumer pauses its partitions) for at most
    /// <see cref="SlowClientTimeout"/>; then the socket is closed with 1008 (policy violation).
    /// </summary>
    public int SendQueueCapacity { get; set; } = 256;

    /// <summary>How long a full send queue is tolerated before the client counts as too slow (default 10 s).</summary>
    public TimeSpan SlowClientTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The largest message a client may send, in bytes (default 64 KiB); a larger one closes the socket with 1009.</summary>
    public int MaxReceiveMessageSize { get; set; } = 64 * 1024;

    /// <summary>Messages the session's consumer buffers before it pauses (default 64); see <c>KafkaReactiveConsumeOptions.BufferSize</c>.</summary>
    public int ConsumerBufferSize { get; set; } = 64;

    /// <summary>How long closing a socket may wait for the close handshake before the connection is aborted (default 2 s).</summary>
    public TimeSpan CloseTimeout { get; set; } = TimeSpan.FromSeconds(2);

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(SendQueueCapacity, 1, nameof(SendQueueCapacity));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxReceiveMessageSize, 1, nameof(MaxReceiveMessageSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(ConsumerBufferSize, 1, nameof(ConsumerBufferSize));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(SlowClientTimeout, TimeSpan.Zero, nameof(SlowClientTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(CloseTimeout, TimeSpan.Zero, nameof(CloseTimeout));
    }
}
