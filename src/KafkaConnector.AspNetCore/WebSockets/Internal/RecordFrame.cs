using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;
using KafkaConnector.Messages;

namespace KafkaConnector.AspNetCore.WebSockets.Internal;

/// <summary>The default standard-mode frame: one record as JSON, bytes in base64.</summary>
internal static class RecordFrame
{
    public static KafkaWebSocketFrame Json(KafkaMessage message)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("topic", message.Topic);
            WriteNumberOrNull(json, "partition", message.Partition);
            WriteNumberOrNull(json, "offset", message.Offset);
            if (message.Timestamp is { } timestamp)
            {
                json.WriteNumber("timestamp", timestamp.ToUnixTimeMilliseconds());
            }
            else
            {
                json.WriteNull("timestamp");
            }

            WriteBase64OrNull(json, "key", message.Key);
            WriteBase64OrNull(json, "value", message.Value);
            json.WriteEndObject();
        }

        return new KafkaWebSocketFrame(buffer.WrittenMemory, WebSocketMessageType.Text);
    }

    private static void WriteNumberOrNull(Utf8JsonWriter json, string name, long? value)
    {
        if (value is { } v)
        {
            json.WriteNumber(name, v);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static void WriteBase64OrNull(Utf8JsonWriter json, string name, byte[]? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteBase64String(name, value);
        }
    }
}
