namespace KafkaConnector.AspNetCore.WebSockets;

/// <summary>
/// The client did not read fast enough: its send queue stayed full for longer than
/// <see cref="KafkaWebSocketOptions.SlowClientTimeout"/>. The socket is closed with 1008.
/// </summary>
public sealed class KafkaWebSocketSlowClientException(int capacity, TimeSpan timeout)
    : Exception($"The client is too slow: its send queue of {capacity} frame(s) stayed full for {timeout.TotalSeconds:0.###} s.")
{
    /// <summary>The send queue's capacity.</summary>
    public int Capacity { get; } = capacity;
}
