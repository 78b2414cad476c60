using System.Net.WebSockets;
using System.Text;

namespace KafkaConnector.AspNetCore.WebSockets;

/// <summary>One WebSocket message, whole: its bytes and whether it is text (UTF-8) or binary.</summary>
/// <param name="Data">The message's bytes.</param>
/// <param name="Type">Text or binary; close frames are never represented.</param>
public readonly record struct KafkaWebSocketFrame(ReadOnlyMemory<byte> Data, WebSocketMessageType Type)
{
    /// <summary>A text frame holding <paramref name="text"/> as UTF-8.</summary>
    public static KafkaWebSocketFrame FromText(string text) => new(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text);

    /// <summary>A binary frame.</summary>
    public static KafkaWebSocketFrame FromBytes(ReadOnlyMemory<byte> data) => new(data, WebSocketMessageType.Binary);

    /// <summary>The data decoded as UTF-8 (for text frames).</summary>
    public string AsText() => Encoding.UTF8.GetString(Data.Span);
}
