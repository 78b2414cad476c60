using System.Collections.Concurrent;
using System.Text;
using KafkaConnector.Diagnostics;
using KafkaConnector.Messages;
using KafkaConnector.Receivers;
using KafkaConnector.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace KafkaConnector.Tests.Receivers.Control;

/// <summary>Pause, resume and restart at runtime, seen through the receivers' status; nothing is skipped on the way.</summary>
public sealed class ReceiverControlTests(KafkaFixture fixture)
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(60);
    private readonly KafkaTestCluster _cluster = fixture.Cluster;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Pause_NothingArrivesUntilResume_TheStatusShowsPausedPartitionsAndLag_ThenEverythingArrivesInOrder()
    {
        var topic = await _cluster.CreateNewTopicAsync("pause", 2, Ct);
        var other = await _cluster.CreateNewTopicAsync("other", 1, Ct);
        await using var node = await StartAsync(b => b.AddReceiver<PausedOne>(topic).AddReceiver<OtherReceiver>(other));
        var (control, status) = Services(node);
        var paused = node.Host.Services.GetRequiredService<PausedOne>();
        var running = node.Host.Services.GetRequiredService<OtherReceiver>();
        await ProduceAsync(node, topic, 0, 10);
        await Eventually.UntilAsync(() => paused.Received.Count == 10, WaitLimit, () => $"the first 10; got {paused.Received.Count}", Ct);

        await control.PauseAsync(nameof(PausedOne), Ct);
        await ProduceAsync(node, topic, 10, 20);
        await node.Api.ProduceAsync(KafkaMessage.FromText(other, "k", "still flowing"), Ct);
        await Eventually.UntilAsync(() => running.Received.Count == 1, WaitLimit, () => "the other receiver's topic to keep flowing", Ct);
        KafkaReceiverStatus? seen = null;
        await Eventually.UntilAsync(
            () => (seen = status.GetReceiverStatus().Single(r => r.Id == nameof(PausedOne))).Lag == 20,
            WaitLimit,
            () => $"the paused receiver's lag to show the 20 produced meanwhile: {seen}",
            Ct);

        Assert.Equal(10, paused.Received.Count);
        Assert.Equal(KafkaReceiverState.Paused, seen!.State);
        Assert.Equal(2, seen.Partitions.Count);
        Assert.All(seen.Partitions, p => Assert.True(p.IsPaused, $"{p} should be paused"));
        Assert.Equal(KafkaReceiverState.Running, status.GetReceiverStatus().Single(r => r.Id == nameof(OtherReceiver)).State);

        await control.ResumeAsync(nameof(PausedOne), Ct);
        await Eventually.UntilAsync(() => paused.Received.Count == 30, WaitLimit, () => $"all 30 after the resume; got {paused.Received.Count}", Ct);
        foreach (var key in paused.Received.GroupBy(m => m.KeyAsString()))
        {
            var values = key.Select(Value).ToList();
            Assert.Equal(values.Order(), values); // in order per key
        }

        Assert.Equal(Enumerable.Range(0, 30), paused.Received.Select(m => int.Parse(m.ValueAsString()!, System.Globalization.CultureInfo.InvariantCulture)).Order());
        await Eventually.UntilAsync(() => status.GetReceiverStatus().Single(r => r.Id == nameof(PausedOne)) is { State: KafkaReceiverState.Running, Lag: 0 }, WaitLimit, () => "running with no lag", Ct);
    }

    [Fact]
    public async Task PauseAll_StopsEveryReceiver_ButTheNodeStillAnswersRequests()
    {
        var topic = await _cluster.CreateNewTopicAsync("pauseall", 1, Ct);
        var layer = NodeHost.NewLayer();
        await using var node = await StartAsync(b => b.AddReceiver<PausedOne>(topic), layer);
        await using var peer = await NodeHost.StartAsync(_cluster, layer, "peer");
        var (control, status) = Services(node);
        var receiver = node.Host.Services.GetRequiredService<PausedOne>();

        await control.PauseAllAsync(Ct);
        await ProduceAsync(node, topic, 0, 5);
        await Eventually.UntilAsync(() => status.GetReceiverStatus().Single().Lag == 5, WaitLimit, () => $"lag 5: {status.GetReceiverStatus().Single()}", Ct);
        // The node's own topics keep flowing: the peer still sees it as a member.
        await Eventually.UntilAsync(() => peer.Cluster.Members.Any(m => m.NodeId == "n"), WaitLimit, () => "the paused node to stay a member", Ct);
        Assert.Empty(receiver.Received);
        Assert.Equal(KafkaReceiverState.Paused, status.GetReceiverStatus().Single().State);

        await control.ResumeAllAsync(Ct);
        await Eventually.UntilAsync(() => receiver.Received.Count == 5, WaitLimit, () => $"the 5 after resume; got {receiver.Received.Count}", Ct);
    }

    [Fact]
    public async Task Restart_AReceiverItsPolicyStopped_RunsAgain_FromTheMessageItStoppedOn()
    {
        var topic = await _cluster.CreateNewTopicAsync("restart", 1, Ct);
        var poison = new FailsOnce("poison");
        await using var node = await StartAsync(
            b => b.AddReceiver<FailsOnce>(topic, configure: r => r.OnError(KafkaErrorPolicy.Stop())),
            services: s => s.AddSingleton(poison));
        var (control, status) = Services(node);
        foreach (var value in new[] { "before", "poison", "after" })
        {
            await node.Api.ProduceAsync(KafkaMessage.FromText(topic, "k", value), Ct);
        }

        await Eventually.UntilAsync(() => status.GetReceiverStatus().Single().State == KafkaReceiverState.Stopped, WaitLimit, () => $"stopped: {status.GetReceiverStatus().Single()}", Ct);
        var stopped = status.GetReceiverStatus().Single();
        Assert.Equal(typeof(InvalidOperationException).FullName, stopped.LastError?.ExceptionType);
        Assert.Equal("poison fails once", stopped.LastError?.Message);
        Assert.Equal(1, stopped.LastError?.Offset);
        Assert.Equal(["before", "poison"], poison.Values);

        await control.RestartAsync(nameof(FailsOnce), Ct);

        await Eventually.UntilAsync(() => poison.Values.Count == 4, WaitLimit, () => $"the stopped message and the next after restart; got [{string.Join(',', poison.Values)}]", Ct);
        Assert.Equal(["before", "poison", "poison", "after"], poison.Values);
        var running = status.GetReceiverStatus().Single();
        Assert.Equal(KafkaReceiverState.Running, running.State);
        Assert.Null(running.LastError);
    }

    [Fact]
    public async Task RestartAll_MakesTheConsumersAnew_AndNothingIsLostOrStuck()
    {
        var topic = await _cluster.CreateNewTopicAsync("restartall", 2, Ct);
        var group = _cluster.NewGroupId("work");
        await using var node = await StartAsync(b => b.AddReceiver<PausedOne>(topic).AddReceiver<OtherReceiver>(topic, configure: r => r.InGroup(group)));
        var (control, status) = Services(node);
        var mine = node.Host.Services.GetRequiredService<PausedOne>();
        var shared = node.Host.Services.GetRequiredService<OtherReceiver>();
        await ProduceAsync(node, topic, 0, 10);
        await Eventually.UntilAsync(() => mine.Received.Count == 10 && shared.Received.Count == 10, WaitLimit, () => "the first 10 on both", Ct);

        await control.RestartAllAsync(Ct);
        await ProduceAsync(node, topic, 10, 10);

        await Eventually.UntilAsync(() => mine.Received.Count >= 20 && shared.Received.Count >= 20, WaitLimit, () => $"the next 10 on both: {mine.Received.Count}, {shared.Received.Count}", Ct);
        await Eventually.UntilAsync(() => status.GetReceiverStatus().All(r => r.State == KafkaReceiverState.Running) && status.GetDispatcherStatus().IsReady, WaitLimit, () => "running and ready again", Ct);
        Assert.Equal(Enumerable.Range(0, 20), mine.Received.Select(Value).Distinct().Order());
        Assert.Equal(Enumerable.Range(0, 20), shared.Received.Select(Value).Distinct().Order());
    }

    [Fact]
    public async Task WhileTheConsumptionRestarts_TheNodeReportsStarting_NeverStoppedOrFailed()
    {
        var topic = await _cluster.CreateNewTopicAsync("restarting", 1, Ct);
        var gated = new GatedReceiver();
        await using var node = await StartAsync(b => b.AddReceiver<GatedReceiver>(topic), services: s => s.AddSingleton(gated));
        var (control, status) = Services(node);
        await ProduceAsync(node, topic, 0, 1);
        await Eventually.UntilAsync(() => gated.Entered == 1, WaitLimit, () => "the message in the receiver", Ct);

        var restart = control.RestartAllAsync(Ct); // drains: the held message keeps the old consumer stopping
        await Eventually.UntilAsync(() => status.GetReceiverStatus().Single().State == KafkaReceiverState.Starting, WaitLimit, () => $"starting: {status.GetReceiverStatus().Single()}", Ct);
        var during = status.GetDispatcherStatus();
        Assert.False(during.HasStopped);
        Assert.Null(during.FatalError);
        Assert.False(during.IsReady);

        gated.Open();
        await restart;
        await Eventually.UntilAsync(() => status.GetReceiverStatus().Single().State == KafkaReceiverState.Running && status.GetDispatcherStatus().IsReady, WaitLimit, () => "running again", Ct);
        await Eventually.UntilAsync(() => gated.Finished.ContainsKey("0"), WaitLimit, () => "the message finished", Ct);
    }

    [Fact]
    public async Task Status_ShowsWhatIsInFlight_AndTheReceiversGroup()
    {
        var topic = await _cluster.CreateNewTopicAsync("inflight", 1, Ct);
        var group = _cluster.NewGroupId("work");
        var gated = new GatedReceiver();
        await using var node = await StartAsync(b => b.AddReceiver<GatedReceiver>(topic, configure: r => r.InGroup(group)), services: s => s.AddSingleton(gated));
        var (_, status) = Services(node);

        await ProduceAsync(node, topic, 0, 3);
        await Eventually.UntilAsync(() => status.GetReceiverStatus().Single().InFlight == 3, WaitLimit, () => $"3 in flight: {status.GetReceiverStatus().Single()}", Ct);
        var seen = status.GetReceiverStatus().Single();
        Assert.Equal(group, seen.GroupId);
        Assert.True(seen.SharesWork);
        Assert.Equal(topic, Assert.Single(seen.Partitions).Topic);

        gated.Open();
        await Eventually.UntilAsync(() => status.GetReceiverStatus().Single() is { InFlight: 0, Lag: 0 }, WaitLimit, () => $"nothing in flight: {status.GetReceiverStatus().Single()}", Ct);
    }

    [Fact]
    public async Task AnUnknownId_IsRefused_ListingTheIds_AndTwoRegistrationsOfOneTypeGetDistinctIds()
    {
        await using var node = await StartAsync(b => b.AddReceiver<PausedOne>("a-topic"));
        var (control, status) = Services(node);
        using var second = node.Api.RegisterReceiver(new PausedOne(), "b-topic");

        var error = await Assert.ThrowsAsync<KafkaReceiverNotFoundException>(() => control.PauseAsync("nope", Ct));

        Assert.Equal("receiverId", error.ParamName);
        Assert.Contains($"'nope'; the node's receivers are: {nameof(PausedOne)}, {nameof(PausedOne)}-2", error.Message, StringComparison.Ordinal);
        Assert.Equal([nameof(PausedOne), $"{nameof(PausedOne)}-2"], status.GetReceiverStatus().Select(r => r.Id));
    }

    private static int Value(KafkaMessage message) => int.Parse(message.ValueAsString()!, System.Globalization.CultureInfo.InvariantCulture);

    private static (IKafkaReceiverControl Control, IKafkaConnectorStatus Status) Services(NodeHost node) =>
        (node.Host.Services.GetRequiredService<IKafkaReceiverControl>(), node.Host.Services.GetRequiredService<IKafkaConnectorStatus>());

    private Task<NodeHost> StartAsync(Action<IKafkaConnectorBuilder> build, string? layer = null, Action<IServiceCollection>? services = null) =>
        NodeHost.StartAsync(_cluster, layer ?? NodeHost.NewLayer(), "n", build, o => o.Consumer["auto.offset.reset"] = "earliest", services);

    private static async Task ProduceAsync(NodeHost node, string topic, int first, int count)
    {
        for (var i = first; i < first + count; i++)
        {
            await node.Api.ProduceAsync(new KafkaMessage(topic, Encoding.UTF8.GetBytes($"k{i % 4}"), Encoding.UTF8.GetBytes(i.ToString(System.Globalization.CultureInfo.InvariantCulture))), Ct);
        }
    }

    private sealed class PausedOne : RecordingReceiver;

    /// <summary>Fails the first time it gets <paramref name="poison"/>; records every call.</summary>
    private sealed class FailsOnce(string poison) : IKafkaMessageReceiver
    {
        private int _failed;

        public ConcurrentQueue<string> Calls { get; } = new();

        public List<string> Values => [.. Calls];

        public Task ReceiveAsync(KafkaMessage message, CancellationToken cancellationToken)
        {
            var value = message.ValueAsString()!;
            Calls.Enqueue(value);
            return value == poison && Interlocked.Exchange(ref _failed, 1) == 0 ? throw new InvalidOperationException($"{poison} fails once") : Task.CompletedTask;
        }
    }
}
