using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace KafkaConnector.AspNetCore.Tests.WebSockets;

/// <summary>WebSocket client helpers.</summary>
internal static class Sockets
{
    public static async Task<ClientWebSocket> ConnectAsync(Uri uri, CancellationToken ct, int? receiveBuffer = null)
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        if (receiveBuffer is { } size)
        {
            // A tiny TCP receive window: a client that does not read fills up almost at once.
            var handler = new SocketsHttpHandler
            {
                ConnectCallback = async (context, token) =>
                {
                    var s = new Socket(SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = size, NoDelay = true };
                    await s.ConnectAsync(context.DnsEndPoint, token);
                    return new NetworkStream(s, ownsSocket: true);
                },
            };
            await socket.ConnectAsync(uri, new HttpMessageInvoker(handler), ct);
        }
        else
        {
            await socket.ConnectAsync(uri, ct);
        }

        return socket;
    }

    /// <summary>The status code of a refused upgrade.</summary>
    public static async Task<int> RefusedStatusAsync(Uri uri, CancellationToken ct)
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(uri, ct));
        return (int)socket.HttpStatusCode;
    }

    /// <summary>The next text message, or null when the server closed.</summary>
    public static async Task<string?> ReceiveTextAsync(this WebSocket socket, TimeSpan timeout, CancellationToken ct)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(ct);
        bound.CancelAfter(timeout);
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            ValueWebSocketReceiveResult result;
            try
            {
                result = await socket.ReceiveAsync(buffer.AsMemory(), bound.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                throw new TimeoutException($"No message within {timeout.TotalSeconds} s (socket {socket.State}).");
            }

            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                return Encoding.UTF8.GetString(message.ToArray());
            }
        }
    }

    /// <summary>Reads messages until one satisfies <paramref name="match"/>; fails on close or timeout.</summary>
    public static async Task<JsonElement> ReceiveJsonUntilAsync(this WebSocket socket, Func<JsonElement, bool> match, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + timeout;
        var seen = new List<string>();
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            string? text;
            try
            {
                text = left > TimeSpan.Zero ? await socket.ReceiveTextAsync(left, ct) : throw new TimeoutException();
            }
            catch (TimeoutException)
            {
                throw new TimeoutException($"No matching message within {timeout.TotalSeconds} s; seen: {string.Join(" | ", seen)}");
            }

            Assert.True(text is not null, $"The server closed ({socket.CloseStatus} {socket.CloseStatusDescription}) before a matching message; seen: {string.Join(" | ", seen)}");
            seen.Add(text);
            using var document = JsonDocument.Parse(text);
            if (match(document.RootElement))
            {
                return document.RootElement.Clone();
            }
        }
    }

    public static Task SendTextAsync(this WebSocket socket, string text, CancellationToken ct) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, ct);

    /// <summary>Reads until the server closes; returns its close status.</summary>
    public static async Task<WebSocketCloseStatus?> ReceiveCloseAsync(this WebSocket socket, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (await socket.ReceiveTextAsync(deadline - DateTime.UtcNow, ct) is not null)
        {
        }

        return socket.CloseStatus;
    }
}
