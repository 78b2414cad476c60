using KafkaConnector.FaultTests.Harness;

namespace KafkaConnector.FaultTests;

/// <summary>
/// Node processes on the standalone broker under faults, with kafka-python as the independent
/// client that writes the input and reads back the output: nothing lost, each key in order, every
/// message processed or dead-lettered, shutdown within its bound. <c>FAULT_SUITE_MESSAGES</c> sets
/// the size of each input batch (default 400; <c>./build.sh faults</c> runs larger ones).
/// </summary>
[Collection(FaultSuite.Name)]
public sealed class FaultSuiteTests
{
    /// <summary>Every value divisible by this always throws: 1% of the input is dead-lettered.</summary>
    private const int FailEvery = 100;

    private const int Keys = 8;

    /// <summary>The node's ShutdownTimeout (5 s) and its host's margin.</summary>
    private static readonly TimeSpan ShutdownBound = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(90);

    private static int Batch => int.TryParse(Environment.GetEnvironmentVariable("FAULT_SUITE_MESSAGES"), out var n) && n > 0 ? n : 400;

    private static string NewLayer() => "f" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task KillNineAndRestart_DuringAStream_NothingLost_KeysInOrder_FailuresDeadLettered()
    {
        await using var run = TwoNodes.Start();
        var (broker, a, b) = (run.Broker, run.A, run.B);

        var written = PythonOracle.Produce(broker.BootstrapServers, "input", Keys, first: 1, Batch);
        await b.KillAsync(); // mid-stream: b has taken some of the batch, not necessarily committed it
        written += PythonOracle.Produce(broker.BootstrapServers, "input", Keys, first: 1 + written, Batch);
        b.Start();
        written += PythonOracle.Produce(broker.BootstrapServers, "input", Keys, first: 1 + written, Batch);

        var checks = await SettleAsync(broker, written, [a, b]);

        AssertClean(checks, written, [a, b], broker);
        Assert.InRange(await a.StopAsync(ShutdownBound), TimeSpan.Zero, ShutdownBound);
        Assert.InRange(await b.StopAsync(ShutdownBound), TimeSpan.Zero, ShutdownBound);
    }

    [Fact]
    public async Task AllBrokersDownAndUp_DuringAStream_NodesResume_NothingLost()
    {
        await using var run = TwoNodes.Start();
        var (broker, a, b) = (run.Broker, run.A, run.B);

        var written = PythonOracle.Produce(broker.BootstrapServers, "input", Keys, first: 1, Batch);
        await broker.DownAsync();
        await Task.Delay(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken); // the fault itself: five seconds without brokers
        await broker.UpAsync();
        written += PythonOracle.Produce(broker.BootstrapServers, "input", Keys, first: 1 + written, Batch);

        var checks = await SettleAsync(broker, written, [a, b]);

        AssertClean(checks, written, [a, b], broker);
    }

    [Fact]
    public async Task AReceiverHungOnOneKey_OtherPartitionsKeepFlowing_AndShutdownStaysBounded()
    {
        PythonOracle.EnsureAvailable();
        await using var broker = StandaloneBroker.Start("input:4", "output:4");
        await using var node = new FaultNode(broker.BootstrapServers, NewLayer(), "a", "input", "output", failEvery: 0, hangKey: "hot").Start();

        // More messages of the hung key than the node keeps in flight (Dispatch:MaxInFlight, 1000), then the others.
        var written = PythonOracle.Produce(broker.BootstrapServers, "input", Keys, first: 1, Batch, hotKey: "hot", hotCount: 1500);
        var input = PythonOracle.Read(broker.BootstrapServers, "input")["input"];
        var hotPartition = input.First(r => r.Key == "hot").Partition;
        bool Elsewhere(KafkaRecord r) => r.Partition != hotPartition;
        Assert.True(input.Any(Elsewhere), "some keys should land outside the hung key's partition");

        StreamCheck? check = null;
        var deadline = DateTime.UtcNow + Settle;
        while (DateTime.UtcNow < deadline)
        {
            var topics = PythonOracle.Read(broker.BootstrapServers, "output", "input.DLT");
            check = StreamCheck.Of(input, topics["output"], topics["input.DLT"], "a", Elsewhere);
            if (check.Lost.Count == 0)
            {
                break;
            }

            await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken); // polling the broker, not synchronising
        }

        Assert.True(check!.Lost.Count == 0, $"messages outside partition {hotPartition} of the hung key should all be processed: {check}\n{node.Tail}");
        Assert.Empty(check.OutOfOrder);
        Assert.InRange(await node.StopAsync(ShutdownBound), TimeSpan.Zero, ShutdownBound);
        Assert.True(written > 1500);
    }

    [Fact]
    public async Task ThreeNodesSharingAReceiver_OneKilled_EachMessageHandledByOne_NothingLost()
    {
        PythonOracle.EnsureAvailable();
        await using var broker = StandaloneBroker.Start("input:6", "output:6");
        var layer = NewLayer();
        FaultNode Node(string id) => new FaultNode(broker.BootstrapServers, layer, id, "input", "output", FailEvery, hangKey: null, group: layer + "-work").Start();
        await using var a = Node("a");
        await using var b = Node("b");
        await using var c = Node("c");
        FaultNode[] nodes = [a, b, c];

        var written = PythonOracle.Produce(broker.BootstrapServers, "input", Keys, first: 1, Batch);
        await c.KillAsync(); // mid-stream: c owns a third of the partitions, some of its work done, not all committed
        written += PythonOracle.Produce(broker.BootstrapServers, "input", Keys, first: 1 + written, Batch);

        var deadline = DateTime.UtcNow + Settle;
        StreamCheck all;
        Dictionary<string, List<KafkaRecord>> topics;
        while (true)
        {
            topics = PythonOracle.Read(broker.BootstrapServers, "input", "output", "input.DLT");
            all = StreamCheck.Of(topics["input"], topics["output"], topics["input.DLT"], node: null);
            if (all.Lost.Count == 0 || DateTime.UtcNow > deadline)
            {
                break;
            }

            await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken); // polling the broker, not synchronising
        }

        var tails = string.Join("\n", nodes.Select(n => n.Tail).Append(broker.Tail));
        TestContext.Current.TestOutputHelper?.WriteLine($"shared: {all}");
        Assert.True(all.Lost.Count == 0, $"the group lost messages: {all}\n{tails}");
        Assert.True(all.OutOfOrder.Count == 0, $"the group broke per-key order: {all}\n{tails}");
        Assert.Equal(written / FailEvery, all.DeadLettered);
        // Shared, not broadcast: each value handled once, but for what the killed node did and had not committed.
        Assert.Equal(written - (written / FailEvery), all.Processed);
        Assert.InRange(all.Repeats, 0, Batch);
        Assert.True(StreamCheck.Of(topics["input"], topics["output"], topics["input.DLT"], "a").Processed > 0 && StreamCheck.Of(topics["input"], topics["output"], topics["input.DLT"], "b").Processed > 0, $"both survivors should have had partitions: {tails}");
        Assert.InRange(await a.StopAsync(ShutdownBound), TimeSpan.Zero, ShutdownBound);
        Assert.InRange(await b.StopAsync(ShutdownBound), TimeSpan.Zero, ShutdownBound);
    }

    /// <summary>The broker and two nodes of one layer, each failing every 100th value.</summary>
    private sealed record TwoNodes(StandaloneBroker Broker, FaultNode A, FaultNode B) : IAsyncDisposable
    {
        public static TwoNodes Start()
        {
            PythonOracle.EnsureAvailable();
            var broker = StandaloneBroker.Start("input:4", "output:4");
            var layer = NewLayer();
            FaultNode Node(string id) => new FaultNode(broker.BootstrapServers, layer, id, "input", "output", FailEvery, hangKey: null).Start();
            return new TwoNodes(broker, Node("a"), Node("b"));
        }

        public async ValueTask DisposeAsync()
        {
            await A.DisposeAsync();
            await B.DisposeAsync();
            await Broker.DisposeAsync();
        }
    }

    /// <summary>Reads the topics until every node accounts for every input value, or the time is up.</summary>
    private static async Task<Dictionary<string, StreamCheck>> SettleAsync(StandaloneBroker broker, int written, FaultNode[] nodes)
    {
        var deadline = DateTime.UtcNow + Settle;
        while (true)
        {
            var topics = PythonOracle.Read(broker.BootstrapServers, "input", "output", "input.DLT");
            Assert.Equal(written, topics["input"].Count);
            var checks = nodes.ToDictionary(n => n.NodeId, n => StreamCheck.Of(topics["input"], topics["output"], topics["input.DLT"], n.NodeId));
            if (checks.Values.All(c => c.Lost.Count == 0) || DateTime.UtcNow > deadline)
            {
                return checks;
            }

            await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken); // polling the broker, not synchronising
        }
    }

    private static void AssertClean(Dictionary<string, StreamCheck> checks, int written, FaultNode[] nodes, StandaloneBroker broker)
    {
        var tails = string.Join("\n", nodes.Select(n => n.Tail).Append(broker.Tail));
        foreach (var (node, check) in checks)
        {
            TestContext.Current.TestOutputHelper?.WriteLine($"{node}: {check}");
            Assert.True(check.Lost.Count == 0, $"{node} lost messages: {check}\n{tails}");
            Assert.True(check.OutOfOrder.Count == 0, $"{node} broke per-key order: {check}\n{tails}");
            // Every 100th value always throws: those and only those are dead-lettered.
            Assert.True(check.Processed == written - (written / FailEvery), $"{node}: {check}");
            Assert.Equal(written / FailEvery, check.DeadLettered);
        }
    }
}

/// <summary>The suite's tests share the machine's two cores: one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public static class FaultSuite
{
    public const string Name = "fault suite";
}
