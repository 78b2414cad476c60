using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;
using KafkaConnector.Cluster;
using KafkaConnector.Messages;
using KafkaConnector.Receivers;
using KafkaConnector.Testing;
using KafkaConnector.Tests.Cluster;
using KafkaConnector.Tests.Diagnostics;
using KafkaConnector.Tests.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KafkaConnector.Tests.Receivers;

/// <summary>A receiver whose downstream is down holds its partition until it comes back; nothing is lost, skipped or repeated.</summary>
public sealed class HoldPolicyTests(KafkaFixture fixture)
{
    private const int PerPartition = 20;
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(60);
    private static readonly KafkaErrorPolicy HoldPolicy = KafkaErrorPolicy.Hold(TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(200));
    private readonly KafkaTestCluster _cluster = fixture.Cluster;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task WhileTheReceiverFails_NothingOnItsPartitionIsCommittedOrDeliveredPastIt_TheRestFlows_ThenEverythingArrivesOnceInOrder()
    {
        var topic = await _cluster.CreateNewTopicAsync("hold", 2, Ct);
        var layer = NodeHost.NewLayer();
        var receiver = new DownstreamReceiver { Down = true };
        var log = new CapturedLog();
        await using var a = await NodeHost.StartAsync(_cluster, layer, "a",
            b => b.AddReceiver<DownstreamReceiver>(topic, configure: r => r.OnError(HoldPolicy)).AddReceiver<NodeReceiver>("{node}").AddRequestHandler<EchoHandler>("echo"),
            services: s => s.AddSingleton(receiver).AddLogging(l => l.AddProvider(log).SetMinimumLevel(LogLevel.Debug)));
        await using var b = await NodeHost.StartAsync(_cluster, layer, "b", b => b.AddRequestHandler<EchoHandler>("echo"));
        using var metrics = new MetricRecorder(a.Host.Services.GetRequiredService<IMeterFactory>());

        // p0-0, p0-1 and p0-2 wait in the receiver while p0-3 (p0-0's key) queues behind p0-0.
        var dispatcher = a.Host.Services.GetRequiredService<KafkaDispatchers>().Node;
        var first = receiver.GateFor("p0-0");
        var next = receiver.GateFor("p0-1", "p0-2");
        for (var i = 0; i < 4; i++)
        {
            await a.Api.ProduceAsync(Message(topic, 0, Key($"p0-{i}"), $"p0-{i}"), Ct);
        }

        await Eventually.UntilAsync(() => receiver.AtGate.Count == 3 && dispatcher.InFlight == 4, WaitLimit,
            () => $"p0-0..p0-2 in the receiver, p0-3 queued; at the gate [{string.Join(',', receiver.AtGate)}], in flight {dispatcher.InFlight}", Ct);

        // p0-1 and p0-2 fail: one holds partition 0, the other waits (or the earlier takes the hold over).
        next.TrySetResult();
        double paused = 0;
        await Eventually.UntilAsync(() => (paused = metrics.Observe("kafkaconnector.dispatch.paused_partitions")) == 1 && receiver.AttemptsAt(0, 1) >= 2, WaitLimit,
            () => $"partition 0 held by p0-1 and paused; paused {paused}, attempts [{receiver.DescribeAttempts()}]", Ct);
        for (var i = 4; i < PerPartition; i++)
        {
            await a.Api.ProduceAsync(Message(topic, 0, Key($"p0-{i}"), $"p0-{i}"), Ct);
        }

        // p0-0 fails too and, being earlier, takes the hold over: p0-1 waits, to be read again after the hold.
        first.TrySetResult();
        await Eventually.UntilAsync(() => receiver.AttemptsAt(0, 0) >= 3, WaitLimit, () => $"p0-0 retried while held; attempts [{receiver.DescribeAttempts()}]", Ct);

        // Other partitions, the node's own topics, requests and replies keep flowing.
        for (var i = 0; i < PerPartition; i++)
        {
            await a.Api.ProduceAsync(Message(topic, 1, $"k{i % 3}", $"p1-{i}"), Ct);
        }

        await Eventually.UntilAsync(() => receiver.Succeeded(1).Count == PerPartition, WaitLimit, () => $"partition 1 delivered; got {receiver.Succeeded(1).Count}", Ct);
        Assert.Equal("ping", (await b.Cluster.RequestAsync("a", "echo", "ping"u8.ToArray(), TimeSpan.FromSeconds(10), Ct)).ValueAsString());
        Assert.Equal("pong", (await a.Cluster.RequestAsync("b", "echo", "pong"u8.ToArray(), TimeSpan.FromSeconds(10), Ct)).ValueAsString());
        await b.Cluster.SendToNodeAsync("a", null, "direct"u8.ToArray(), cancellationToken: Ct);
        var direct = a.Host.Services.GetRequiredService<NodeReceiver>();
        await Eventually.UntilAsync(() => direct.Values.Contains("direct"), WaitLimit, () => "the direct message to the holding node", Ct);
        Dictionary<int, long> committed = [];
        await Eventually.UntilAsync(() => (committed = CommittedOffsets.Read(_cluster, layer, "a", topic, 2))[1] == PerPartition, WaitLimit,
            () => $"partition 1 committed to {PerPartition}; committed [{string.Join(',', committed)}]", Ct);

        // Partition 0: nothing committed past the held message, nothing after the failed ones tried, nothing delivered.
        Assert.InRange(committed[0], -1, 0);
        Assert.Empty(receiver.Succeeded(0));
        Assert.DoesNotContain(receiver.Attempts, at => at.Partition == 0 && at.Offset > 2);
        Assert.Equal(1, a.Host.Services.GetRequiredService<KafkaConnector.Diagnostics.IKafkaConnectorStatus>().GetDispatcherStatus().HeldPartitions);

        // The downstream comes back: every message of partition 0 arrives once, in order per key, and is committed
        // (p0-3, behind p0-0 in its key's queue, waits for the partition to be read again instead of running twice).
        receiver.Down = false;
        await Eventually.UntilAsync(() => CommittedOffsets.Read(_cluster, layer, "a", topic, 2)[0] == PerPartition, WaitLimit,
            () => $"partition 0 committed to {PerPartition}; delivered [{string.Join(',', receiver.Succeeded(0))}]", Ct);
        var delivered = receiver.Succeeded(0);
        Assert.Equal(Enumerable.Range(0, PerPartition).Select(i => $"p0-{i}").Order(StringComparer.Ordinal), delivered.Order(StringComparer.Ordinal));
        Assert.All(delivered.GroupBy(Key), key => Assert.Equal(key.OrderBy(Index), key));
        Assert.Equal(0, metrics.Observe("kafkaconnector.dispatch.paused_partitions"));
        Assert.InRange(metrics.Sum("kafkaconnector.dispatch.held"), 2, 3); // p0-1's hold (maybe p0-2's before it), then p0-0's
        Assert.Contains(log.Entries, e => e.Id.Id == 1240 && e.Message.Contains($"{topic}[0]@0", StringComparison.Ordinal));
        Assert.Contains(log.Entries, e => e.Id.Id == 1242 && e.Message.Contains("the message succeeded", StringComparison.Ordinal));
        Assert.Contains(log.Entries, e => e.Id.Id == 1245); // read again from p0-1
    }

    [Fact]
    public async Task TheNodeStopping_EndsTheHoldAtOnce_AndTheNextRunReadsTheHeldMessageAgain()
    {
        var topic = await _cluster.CreateNewTopicAsync("hold-stop", 1, Ct);
        var layer = NodeHost.NewLayer();
        var first = new DownstreamReceiver { Down = true };
        var node = await NodeHost.StartAsync(_cluster, layer, "n",
            b => b.AddReceiver<DownstreamReceiver>(topic, configure: r => r.OnError(HoldPolicy)),
            o => o.ShutdownTimeout = TimeSpan.FromSeconds(10),
            s => s.AddSingleton(first));
        await node.Api.ProduceAsync(Message(topic, 0, "k0", "p0-0"), Ct);
        await node.Api.ProduceAsync(Message(topic, 0, "k0", "p0-1"), Ct);
        await Eventually.UntilAsync(() => first.AttemptsAt(0, 0) >= 3, WaitLimit, () => $"the held message retried; attempts [{first.DescribeAttempts()}]", Ct);

        var watch = Stopwatch.StartNew();
        await node.DisposeAsync();

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(6), $"the hold ends with the stop instead of holding the drain for its 10 s; the stop took {watch.Elapsed}");
        Assert.Empty(first.Succeeded(0));
        var second = new DownstreamReceiver();
        await using var restarted = await NodeHost.StartAsync(_cluster, layer, "n", b => b.AddReceiver<DownstreamReceiver>(topic), services: s => s.AddSingleton(second));
        await Eventually.UntilAsync(() => second.Succeeded(0).Count == 2, WaitLimit, () => $"both messages on the next run; got [{string.Join(',', second.Succeeded(0))}]", Ct);
        Assert.Equal(["p0-0", "p0-1"], second.Succeeded(0));
    }

    private static string Key(string value) => $"k{Index(value) % 3}";

    private static int Index(string value) => int.Parse(value[(value.IndexOf('-', StringComparison.Ordinal) + 1)..], CultureInfo.InvariantCulture);

    private static KafkaMessage Message(string topic, int partition, string key, string value) =>
        new(topic, Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(value)) { Partition = partition };

    /// <summary>Fails every message of partition 0 while <see cref="Down"/>; values given a gate wait at it first. Records attempts and successes.</summary>
    private sealed class DownstreamReceiver : IKafkaMessageReceiver
    {
        private readonly ConcurrentDictionary<string, TaskCompletionSource> _gates = new(StringComparer.Ordinal);
        private volatile bool _down;

        public bool Down
        {
            get => _down;
            set => _down = value;
        }

        public ConcurrentBag<string> AtGate { get; } = [];

        public ConcurrentQueue<(int Partition, long Offset)> Attempts { get; } = new();

        private ConcurrentQueue<(int Partition, string Value)> Delivered { get; } = new();

        /// <summary>The first attempt of each of <paramref name="values"/> waits until the returned gate opens.</summary>
        public TaskCompletionSource GateFor(params string[] values)
        {
            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            foreach (var value in values)
            {
                _gates[value] = gate;
            }

            return gate;
        }

        public List<string> Succeeded(int partition) => [.. Delivered.Where(d => d.Partition == partition).Select(d => d.Value)];

        public int AttemptsAt(int partition, long offset) => Attempts.Count(at => at == (partition, offset));

        public string DescribeAttempts() => string.Join(',', Attempts.GroupBy(at => at).Select(g => $"{g.Key.Partition}@{g.Key.Offset}x{g.Count()}"));

        public async Task ReceiveAsync(KafkaMessage message, CancellationToken cancellationToken)
        {
            var partition = message.Partition!.Value;
            var value = message.ValueAsString()!;
            Attempts.Enqueue((partition, message.Offset!.Value));
            if (_gates.TryRemove(value, out var gate))
            {
                AtGate.Add(value);
                await gate.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            }

            if (partition == 0 && Down)
            {
                throw new TimeoutException("the downstream is down");
            }

            Delivered.Enqueue((partition, value));
        }
    }
}
