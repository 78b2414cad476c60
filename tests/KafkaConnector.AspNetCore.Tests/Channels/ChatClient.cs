using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using KafkaConnector.AspNetCore.Tests.WebSockets;

namespace KafkaConnector.AspNetCore.Tests.Channels;

/// <summary>A channel-mode client speaking the JSON envelope.</summary>
internal sealed class ChatClient(ClientWebSocket socket, string user) : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    public string User { get; } = user;

    public ClientWebSocket Socket { get; } = socket;

    public static async Task<ChatClient> ConnectAsync(WebNode node, string user, CancellationToken ct) =>
        new(await Sockets.ConnectAsync(node.WebSocketUri("/ws/chat", user), ct), user);

    public Task SendAsync(string cmd, string channel, string? text = null, params (string Key, string Value)[] extra)
    {
        var parameters = new Dictionary<string, string> { ["channelId"] = channel };
        foreach (var (key, value) in extra)
        {
            parameters[key] = value;
        }

        var envelope = new Dictionary<string, object?>
        {
            ["cmd"] = cmd,
            ["payload"] = text is null ? null : Convert.ToBase64String(Encoding.UTF8.GetBytes(text)),
            ["contentType"] = "text/plain",
            ["timestamp"] = 0,
            ["params"] = parameters,
        };
        return Socket.SendTextAsync(JsonSerializer.Serialize(envelope), TestContext.Current.CancellationToken);
    }

    /// <summary>The next envelope of <paramref name="type"/> (and <paramref name="cmd"/>, if given).</summary>
    public Task<JsonElement> ExpectAsync(string type, string? cmd = null) =>
        Socket.ReceiveJsonUntilAsync(m => m.GetProperty("type").GetString() == type && (cmd is null || m.GetProperty("cmd").GetString() == cmd), Wait, TestContext.Current.CancellationToken);

    public static string Text(JsonElement envelope) => Encoding.UTF8.GetString(envelope.GetProperty("payload").GetBytesFromBase64());

    public void Dispose() => Socket.Dispose();
}
