using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Confluent.Kafka;
using KafkaConnector.Cluster;
using KafkaConnector.Messages;
using KafkaConnector.Testing;
using KafkaConnector.Tests.Receivers;
using Microsoft.Extensions.DependencyInjection;

namespace KafkaConnector.Tests.Cluster;

public sealed class KafkaClusterTests(KafkaFixture fixture)
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(60);
    private readonly KafkaTestCluster _cluster = fixture.Cluster;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Request_GetsTheOtherNodesReply()
    {
        var layer = NodeHost.NewLayer();
        await using var a = await NodeHost.StartAsync(_cluster, layer, "a");
        await using var b = await NodeHost.StartAsync(_cluster, layer, "b", n => n.AddRequestHandler<EchoHandler>("echo"));
        await Eventually.UntilAsync(() => a.Cluster.Members.Any(m => m.NodeId == "b"), WaitLimit, () => "a to see b", Ct);

        var reply = await a.Cluster.RequestAsync("b", "echo", "ping"u8.ToArray(), cancellationToken: Ct);

        Assert.Equal("pong from b: ping", reply.ValueAsString());
        Assert.Equal($"hyperiot_layer_{layer}_a", reply.Topic);
        Assert.Equal("b", reply.HeaderAsString(ClusterHeaders.From));
    }

    [Fact]
    public async Task Request_ToANodeWithoutHandler_FailsWithTheNodesError()
    {
        var layer = NodeHost.NewLayer();
        await using var a = await NodeHost.StartAsync(_cluster, layer, "a");
        await using var b = await NodeHost.StartAsync(_cluster, layer, "b");
        await Eventually.UntilAsync(() => a.Cluster.Members.Any(m => m.NodeId == "b"), WaitLimit, () => "a to see b", Ct);

        var error = await Assert.ThrowsAsync<KafkaClusterRequestFailedException>(() => a.Cluster.RequestAsync("b", "missing", null, cancellationToken: Ct));

        Assert.Contains("node 'b' has no handler for operation 'missing'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_ThatTheHandlerFails_ReportsTheException()
    {
        var layer = NodeHost.NewLayer();
        await using var a = await NodeHost.StartAsync(_cluster, layer, "a", n => n.AddRequestHandler<FailingHandler>("fail"));

        var error = await Assert.ThrowsAsync<KafkaClusterRequestFailedException>(() => a.Cluster.RequestAsync("a", "fail", null, cancellationToken: Ct));

        Assert.Equal("InvalidOperationException: no can do", error.Error);
    }

    [Fact]
    public async Task Request_ToASilentNode_TimesOut_AndToAnUnknownNode_FailsAtOnce()
    {
        var layer = NodeHost.NewLayer();
        await using var a = await NodeHost.StartAsync(_cluster, layer, "a");
        // "ghost" announces itself by hand (as any Kafka client could) but never answers.
        await AnnounceAsync(a, layer, "ghost", "join");
        await Eventually.UntilAsync(() => a.Cluster.Members.Any(m => m.NodeId == "ghost"), WaitLimit, () => "a to see ghost", Ct);

        var watch = Stopwatch.StartNew();
        var timeout = await Assert.ThrowsAsync<KafkaClusterRequestTimeoutException>(() => a.Cluster.RequestAsync("ghost", "echo", null, TimeSpan.FromMilliseconds(800), Ct));
        var unknown = await Assert.ThrowsAsync<KafkaClusterNodeNotFoundException>(() => a.Cluster.RequestAsync("nobody", "echo", null, cancellationToken: Ct));

        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(700), TimeSpan.FromSeconds(10));
        Assert.Contains("'ghost' did not answer request 'echo' within 0.8 s", timeout.Message, StringComparison.Ordinal);
        Assert.Contains("Node 'nobody' is not a live member", unknown.Message, StringComparison.Ordinal);
        Assert.Contains("a, ghost", unknown.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(0)]
    public async Task Request_WithATimeoutNotAboveZero_IsRefusedBeforeAnythingIsSent(int milliseconds)
    {
        var layer = NodeHost.NewLayer();
        var handled = 0;
        await using var a = await NodeHost.StartAsync(_cluster, layer, "a", n =>
        {
            n.Services.AddSingleton(new CountingHandler.Counter(() => Interlocked.Increment(ref handled)));
            n.AddRequestHandler<CountingHandler>("count");
        });

        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => a.Cluster.RequestAsync("a", "count", null, TimeSpan.FromMilliseconds(milliseconds), Ct));
        var reply = await a.Cluster.RequestAsync("a", "count", null, cancellationToken: Ct);

        Assert.Equal("timeout", error.ParamName);
        Assert.Equal(1, Volatile.Read(ref handled)); // only the valid request reached the handler
        Assert.NotNull(reply);
    }

    [Theory]
    [InlineData("bad id")]
    [InlineData("a/b")]
    public async Task SendToNode_WithAnInvalidNodeId_NamesTheNodeId(string nodeId)
    {
        await using var a = await NodeHost.StartAsync(_cluster, NodeHost.NewLayer(), "a");

        var send = await Assert.ThrowsAsync<ArgumentException>(() => a.Cluster.SendToNodeAsync(nodeId, null, [1], cancellationToken: Ct));
        var request = await Assert.ThrowsAsync<ArgumentException>(() => a.Cluster.RequestAsync(nodeId, "echo", null, cancellationToken: Ct));

        Assert.Equal("nodeId", send.ParamName);
        Assert.Equal("nodeId", request.ParamName);
        Assert.Contains($"Node id '{nodeId}'", send.Message, StringComparison.Ordinal);
    }

    private sealed class CountingHandler(CountingHandler.Counter counter) : IKafkaRequestHandler
    {
        public Task<byte[]?> HandleAsync(KafkaMessage request, CancellationToken cancellationToken)
        {
            counter.Increment();
            return Task.FromResult<byte[]?>([1]);
        }

        public sealed record Counter(Action Increment);
    }

    [Fact]
    public async Task Membership_ReportsJoinLeaveAndTimeout()
    {
        var layer = NodeHost.NewLayer();
        await using var a = await NodeHost.StartAsync(_cluster, layer, "a");
        var events = new ConcurrentQueue<KafkaClusterMemberEvent>();
        using var subscription = a.Cluster.MemberEvents.Subscribe(events.Enqueue);

        var b = await NodeHost.StartAsync(_cluster, layer, "b");
        await Eventually.UntilAsync(() => a.Cluster.Members.Select(m => m.NodeId).SequenceEqual(["a", "b"]), WaitLimit, () => $"a to see a and b: [{string.Join(',', a.Cluster.Members.Select(m => m.NodeId))}]", Ct);
        await Eventually.UntilAsync(() => b.Cluster.Members.Count == 2, WaitLimit, () => "b to learn about a", Ct);
        await b.DisposeAsync();
        await Eventually.UntilAsync(() => events.Any(e => e is { Kind: KafkaClusterMemberEventKind.Left, Member.NodeId: "b" }), WaitLimit, () => "b to leave", Ct);

        await AnnounceAsync(a, layer, "crashy", "join");
        await Eventually.UntilAsync(() => events.Any(e => e is { Kind: KafkaClusterMemberEventKind.TimedOut, Member.NodeId: "crashy" }), WaitLimit, () => "crashy to time out", Ct);

        Assert.Equal(["Joined:b", "Left:b", "Joined:crashy", "TimedOut:crashy"], events.Select(e => $"{e.Kind}:{e.Member.NodeId}"));
        Assert.Equal(["a"], a.Cluster.Members.Select(m => m.NodeId));
    }

    [Fact]
    public async Task ClusterTraffic_NeverReachesUserReceivers()
    {
        var layer = NodeHost.NewLayer();
        await using var a = await NodeHost.StartAsync(_cluster, layer, "a", n => n.AddReceiver<BroadcastReceiver>("{broadcast},{node}").AddRequestHandler<EchoHandler>("echo"));
        await using var b = await NodeHost.StartAsync(_cluster, layer, "b");
        await Eventually.UntilAsync(() => b.Cluster.Members.Any(m => m.NodeId == "a"), WaitLimit, () => "b to see a", Ct);

        await b.Cluster.RequestAsync("a", "echo", "x"u8.ToArray(), cancellationToken: Ct);
        await a.Cluster.RequestAsync("b", "missing", null, cancellationToken: Ct).ContinueWith(_ => { }, Ct);
        await b.Cluster.BroadcastAsync(null, "user data"u8.ToArray(), cancellationToken: Ct);

        var receiver = a.Host.Services.GetRequiredService<BroadcastReceiver>();
        await Eventually.UntilAsync(() => receiver.Values.Contains("user data"), WaitLimit, () => "the user broadcast", Ct);
        Assert.Equal(["user data"], receiver.Values);
    }

    [Fact]
    public async Task MessageProducedByKcat_ToANodeTopic_ReachesThatNodesReceiver()
    {
        var layer = NodeHost.NewLayer();
        await using var node = await NodeHost.StartAsync(_cluster, layer, "n1", n => n.AddReceiver<NodeReceiver>("{node}"));
        var start = new ProcessStartInfo("kcat", $"-P -b {_cluster.BootstrapServers} -t hyperiot_layer_{layer}_n1 -K :") { RedirectStandardInput = true, RedirectStandardError = true };
        Process kcat;
        try
        {
            kcat = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Assert.Skip("kcat is not installed (apt-get install kcat; .ci/run installs it)");
            throw;
        }

        using (kcat)
        {
            await kcat.StandardInput.WriteAsync("sensor-7:from kcat\n");
            kcat.StandardInput.Close();
            await kcat.WaitForExitAsync(Ct).WaitAsync(WaitLimit, Ct);
            Assert.Equal(0, kcat.ExitCode);
        }

        var receiver = node.Host.Services.GetRequiredService<NodeReceiver>();
        await Eventually.UntilAsync(() => !receiver.Received.IsEmpty, WaitLimit, () => "the kcat message", Ct);
        var message = Assert.Single(receiver.Received);
        Assert.Equal("sensor-7", message.KeyAsString());
        Assert.Equal("from kcat", message.ValueAsString());
    }

    [Fact]
    public async Task ClusterApi_WithoutIdentity_ThrowsClearly()
    {
        await using var host = ConnectorHost.Create(_cluster);
        var cluster = host.Services.GetRequiredService<IKafkaCluster>();

        var error = Assert.Throws<InvalidOperationException>(() => cluster.Topics);

        Assert.Contains("KafkaConnector:Layer and KafkaConnector:NodeId", error.Message, StringComparison.Ordinal);
    }

    private static Task<KafkaDeliveryResult> AnnounceAsync(NodeHost via, string layer, string nodeId, string kind)
    {
        var headers = new Headers
        {
            { ClusterHeaders.Type, Encoding.UTF8.GetBytes(ClusterHeaders.MemberType) },
            { ClusterHeaders.Event, Encoding.UTF8.GetBytes(kind) },
            { ClusterHeaders.From, Encoding.UTF8.GetBytes(nodeId) },
        };
        var value = Encoding.UTF8.GetBytes($"{{\"nodeId\":\"{nodeId}\",\"layer\":\"{layer}\",\"startedAt\":0}}");
        return via.Api.ProduceAsync(new KafkaMessage($"hyperiot_layer_{layer}", Encoding.UTF8.GetBytes(nodeId), value) { Headers = headers }, Ct);
    }

    private sealed class EchoHandler(IKafkaCluster cluster) : IKafkaRequestHandler
    {
        public Task<byte[]?> HandleAsync(KafkaMessage request, CancellationToken cancellationToken) =>
            Task.FromResult<byte[]?>(Encoding.UTF8.GetBytes($"pong from {cluster.Topics.NodeId}: {request.ValueAsString()}"));
    }

    private sealed class FailingHandler : IKafkaRequestHandler
    {
        public Task<byte[]?> HandleAsync(KafkaMessage request, CancellationToken cancellationToken) => throw new InvalidOperationException("no can do");
    }
}
