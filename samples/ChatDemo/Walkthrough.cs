using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ChatDemo;

/// <summary>alice on node a and bob on node b talk through a channel; then the dashboard's stream is read.</summary>
internal static class Walkthrough
{
    public static async Task RunAsync(Uri a, Uri b, CancellationToken ct)
    {
        Console.WriteLine("\n== alice connects to node a, bob to node b");
        using var alice = await ConnectAsync(a, "alice", ct);
        using var bob = await ConnectAsync(b, "bob", ct);

        Console.WriteLine("\n== alice creates channel 'lobby'; bob joins it from the other node");
        await SendAsync(alice, "CREATE_CHANNEL", "lobby", null, null, ct);
        await PrintUntilAsync(alice, "alice", m => m["cmd"]?.GetValue<string>() == "CREATE_CHANNEL", ct);
        await SendAsync(bob, "JOIN_CHANNEL", "lobby", null, null, ct);
        await PrintUntilAsync(alice, "alice", m => m["cmd"]?.GetValue<string>() == "JOIN_CHANNEL", ct);

        Console.WriteLine("\n== alice writes to the channel: the message crosses to node b over Kafka");
        await SendAsync(alice, "SEND_MESSAGE", "lobby", "hello bob, from node a", null, ct);
        await PrintUntilAsync(bob, "bob", m => m["type"]?.GetValue<string>() == "APPLICATION", ct);

        Console.WriteLine("\n== bob answers privately");
        await SendAsync(bob, "SEND_PRIVATE_MESSAGE", "lobby", "hi alice, only you see this", ("recipient", "alice"), ct);
        await PrintUntilAsync(alice, "alice", m => m["cmd"]?.GetValue<string>() == "SEND_PRIVATE_MESSAGE", ct);

        Console.WriteLine("\n== bob tries to kick the owner: refused");
        await SendAsync(bob, "KICK_USER", "lobby", null, ("user", "alice"), ct);
        await PrintUntilAsync(bob, "bob", m => m["type"]?.GetValue<string>() == "ERROR", ct);

        Console.WriteLine("\n== the dashboard of node a (server-sent events)");
        using var http = new HttpClient { BaseAddress = a };
        http.DefaultRequestHeaders.Add("Cookie", "demo-user=ops");
        using var events = await http.GetStreamAsync("kafka/dashboard/events", ct);
        using var reader = new StreamReader(events);
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                var snapshot = JsonNode.Parse(line[6..])!;
                var members = snapshot["members"]!.AsArray().Select(m => m!["nodeId"]!.GetValue<string>());
                Console.WriteLine($"  members: {string.Join(", ", members)}; topics: {snapshot["counters"]!["topics"]!.AsArray().Count}");
                break;
            }
        }
    }

    private static async Task<ClientWebSocket> ConnectAsync(Uri node, string user, CancellationToken ct)
    {
        var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri($"ws://{node.Authority}/ws/chat?user={user}"), ct);
        return socket;
    }

    private static Task SendAsync(ClientWebSocket socket, string cmd, string channel, string? text, (string Key, string Value)? extra, CancellationToken ct)
    {
        var parameters = new JsonObject { ["channelId"] = channel };
        if (extra is { } e)
        {
            parameters[e.Key] = e.Value;
        }

        var envelope = new JsonObject
        {
            ["cmd"] = cmd,
            ["payload"] = text is null ? null : Convert.ToBase64String(Encoding.UTF8.GetBytes(text)),
            ["contentType"] = "text/plain",
            ["timestamp"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            ["params"] = parameters,
        };
        return socket.SendAsync(Encoding.UTF8.GetBytes(envelope.ToJsonString()), WebSocketMessageType.Text, true, ct);
    }

    private static async Task PrintUntilAsync(ClientWebSocket socket, string who, Func<JsonNode, bool> last, CancellationToken ct)
    {
        var buffer = new byte[16 * 1024];
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, ct);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                throw new TimeoutException($"{who}'s socket closed: {socket.CloseStatus} {socket.CloseStatusDescription}");
            }

            var message = JsonNode.Parse(buffer.AsSpan(0, result.Count))!;
            var payload = message["payload"]?.GetValue<string>() is { } b64 ? Encoding.UTF8.GetString(Convert.FromBase64String(b64)) : "";
            var p = message["params"]!;
            Console.WriteLine($"  [{who}] {message["type"]} {message["cmd"]} channel={p["channelId"]} sender={p["sender"]}: {payload}");
            if (last(message))
            {
                return;
            }
        }
    }
}
