using System.Text.Json;
using System.Text.Json.Serialization;

namespace KafkaConnector.AspNetCore.Channels.Internal;

/// <summary>Reads and writes the envelope; never throws on a client's bytes.</summary>
internal static class ChannelEnvelope
{
    /// <summary>Params the server adds for the channel topic only (origin node and connection); never shown to clients.</summary>
    public const string InternalPrefix = "kc-";
    public const string OriginNode = "kc-origin-node";
    public const string OriginConnection = "kc-origin-connection";

    public static bool TryParse(ReadOnlySpan<byte> json, out KafkaChannelMessage? message, out string? error)
    {
        try
        {
            message = JsonSerializer.Deserialize(json, ChannelJsonContext.Default.KafkaChannelMessage);
            error = message is null ? "The frame is not a JSON object." : null;
        }
        catch (JsonException e)
        {
            message = null;
            error = $"The frame is not a channel message: {e.Message}";
        }

        return error is null;
    }

    public static byte[] ToJson(KafkaChannelMessage message) => JsonSerializer.SerializeToUtf8Bytes(message, ChannelJsonContext.Default.KafkaChannelMessage);

    public static KafkaChannelMessage Error(string? cmd, string? channelId, string text)
    {
        var message = new KafkaChannelMessage
        {
            Cmd = cmd,
            Payload = System.Text.Encoding.UTF8.GetBytes(text),
            ContentType = "text/plain",
            Timestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            Type = KafkaChannelMessageTypes.Error,
        };
        if (channelId is not null)
        {
            message.Params[ChannelState.ChannelId] = channelId;
        }

        return message;
    }
}

[JsonSerializable(typeof(KafkaChannelMessage))]
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
internal sealed partial class ChannelJsonContext : JsonSerializerContext;
