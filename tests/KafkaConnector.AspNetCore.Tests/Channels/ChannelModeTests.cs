using System.Text.Json;
using KafkaConnector.AspNetCore.Channels.Internal;
using KafkaConnector.AspNetCore.Tests.WebSockets;
using KafkaConnector.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using static KafkaConnector.AspNetCore.Channels.KafkaChannelCommands;

namespace KafkaConnector.AspNetCore.Tests.Channels;

public sealed class ChannelModeTests(KafkaFixture fixture)
{
    private const string Application = "APPLICATION";
    private const string Info = "INFO";
    private const string Error = "ERROR";
    private readonly KafkaTestCluster _cluster = fixture.Cluster;

    private async Task<WebNode> StartNodeAsync(string layer, string nodeId)
    {
        var node = await WebNode.StartAsync(_cluster, app => app.MapKafkaChannels("/ws/chat"), build: b => b.AddKafkaChannels(), layer: layer, nodeId: nodeId);
        await node.Services.GetRequiredService<ChannelBroker>().Ready.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        return node;
    }

    [Fact]
    public async Task Users_on_two_nodes_join_talk_privately_and_are_kicked_and_banned()
    {
        var layer = WebNode.NewLayer();
        await using var a = await StartNodeAsync(layer, "a");
        await using var b = await StartNodeAsync(layer, "b");
        var ct = TestContext.Current.CancellationToken;
        using var alice = await ChatClient.ConnectAsync(a, "alice", ct);
        using var bob = await ChatClient.ConnectAsync(b, "bob", ct);
        using var carol = await ChatClient.ConnectAsync(b, "carol", ct);

        // alice (node a) creates the channel and owns it; bob and carol (node b) join.
        await alice.SendAsync(CreateChannel, "room");
        await alice.ExpectAsync(Info, CreateChannel);
        await bob.SendAsync(JoinChannel, "room");
        var joined = await alice.ExpectAsync(Info, JoinChannel);
        Assert.Equal("bob", joined.GetProperty("params").GetProperty("sender").GetString());
        await carol.SendAsync(JoinChannel, "room");
        await carol.ExpectAsync(Info, JoinChannel);

        // A message crosses from node a to node b, with the original's envelope.
        await alice.SendAsync(SendMessage, "room", "hello from a");
        var received = await bob.ExpectAsync(Application, SendMessage);
        Assert.Equal("hello from a", ChatClient.Text(received));
        Assert.Equal("alice", received.GetProperty("params").GetProperty("sender").GetString());
        Assert.Equal("room", received.GetProperty("params").GetProperty("channelId").GetString());
        Assert.Equal("text/plain", received.GetProperty("contentType").GetString());
        Assert.True(received.GetProperty("timestamp").GetInt64() > 0);
        Assert.False(received.GetProperty("params").EnumerateObject().Any(p => p.Name.StartsWith("kc-", StringComparison.Ordinal)), "internal params reached a client");

        // A private message reaches only its recipient: carol's next message is the one after it.
        await bob.SendAsync(SendPrivateMessage, "room", "just for alice", ("recipient", "alice"));
        Assert.Equal("just for alice", ChatClient.Text(await alice.ExpectAsync(Application, SendPrivateMessage)));
        await bob.SendAsync(SendMessage, "room", "for everyone");
        Assert.Equal("hello from a", ChatClient.Text(await carol.ExpectAsync(Application)));
        Assert.Equal("for everyone", ChatClient.Text(await carol.ExpectAsync(Application)));

        // A member may not kick; the owner may. A kicked user may no longer send.
        await bob.SendAsync(KickUser, "room", null, ("user", "alice"));
        Assert.Contains("may not kick", ChatClient.Text(await bob.ExpectAsync(Error, KickUser)), StringComparison.Ordinal);
        await alice.SendAsync(KickUser, "room", null, ("user", "carol"));
        Assert.Equal("alice kicked carol", ChatClient.Text(await carol.ExpectAsync(Info, KickUser)));
        await carol.SendAsync(SendMessage, "room", "still here?");
        Assert.Contains("Only members", ChatClient.Text(await carol.ExpectAsync(Error, SendMessage)), StringComparison.Ordinal);

        // A banned user cannot join again until unbanned.
        await alice.SendAsync(BanUser, "room", null, ("user", "bob"));
        Assert.Equal("alice banned bob", ChatClient.Text(await bob.ExpectAsync(Info, BanUser)));
        await bob.SendAsync(JoinChannel, "room");
        Assert.Contains("banned", ChatClient.Text(await bob.ExpectAsync(Error, JoinChannel)), StringComparison.Ordinal);
        await alice.SendAsync(UnbanUser, "room", null, ("user", "bob"));
        await bob.ExpectAsync(Info, UnbanUser);
        await bob.SendAsync(JoinChannel, "room");
        await alice.ExpectAsync(Info, JoinChannel);

        // Both nodes rebuilt the same state from the topic.
        var stateA = a.Services.GetRequiredService<ChannelBroker>().State;
        var stateB = b.Services.GetRequiredService<ChannelBroker>().State;
        await Eventually.UntilAsync(() => stateB.MembersOf("room")?.Count == 2, TimeSpan.FromSeconds(30), () => $"node b sees {string.Join(",", stateB.MembersOf("room") ?? [])}", ct);
        Assert.Equal(stateA.MembersOf("room")!.Order(), stateB.MembersOf("room")!.Order());
    }

    [Fact]
    public async Task Bad_frames_get_an_error_frame_and_the_socket_stays_open()
    {
        await using var node = await StartNodeAsync(WebNode.NewLayer(), "a");
        var ct = TestContext.Current.CancellationToken;
        using var client = await ChatClient.ConnectAsync(node, "zoe", ct);

        foreach (var frame in new[] { "not json", "[1,2]", """{"cmd":"DANCE","params":{"channelId":"x"}}""", """{"cmd":"JOIN_CHANNEL"}""", """{"cmd":"SEND_MESSAGE","payload":"***","params":{"channelId":"x"}}""", """{"cmd":"JOIN_CHANNEL","params":"x"}""" })
        {
            await client.Socket.SendTextAsync(frame, ct);
            var error = await client.ExpectAsync(Error);
            Assert.False(string.IsNullOrEmpty(ChatClient.Text(error)), $"no reason for {frame}");
        }

        await client.SendAsync(JoinChannel, "nowhere");
        Assert.Contains("does not exist", ChatClient.Text(await client.ExpectAsync(Error, JoinChannel)), StringComparison.Ordinal);
        Assert.Equal(System.Net.WebSockets.WebSocketState.Open, client.Socket.State);
    }

    [Fact]
    public async Task An_anonymous_user_is_refused_with_401()
    {
        await using var node = await StartNodeAsync(WebNode.NewLayer(), "a");
        Assert.Equal(401, await Sockets.RefusedStatusAsync(node.WebSocketUri("/ws/chat", null), TestContext.Current.CancellationToken));
    }
}
