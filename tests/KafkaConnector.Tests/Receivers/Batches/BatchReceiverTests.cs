using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Confluent.Kafka;
using KafkaConnector.Messages;
using KafkaConnector.Receivers;
using KafkaConnector.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace KafkaConnector.Tests.Receivers.Batches;

/// <summary>Batch receivers get a partition's messages in offset order, bounded in size and time, committed after the batch, under their error policy.</summary>
public sealed class BatchReceiverTests(KafkaFixture fixture)
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(60);
    private readonly KafkaTestCluster _cluster = fixture.Cluster;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Batches_HoldOnePartition_InOffsetOrder_UpToTheSize_AndEveryMessageOnce()
    {
        var topic = await _cluster.CreateNewTopicAsync("batch", 3, Ct);
        var layer = NodeHost.NewLayer();
        await using var node = await StartAsync(layer, b => b.AddBatchReceiver<Collecting>(topic, maxMessages: 25, maxWait: TimeSpan.FromSeconds(2)));
        var receiver = node.Host.Services.GetRequiredService<Collecting>();

        await ProduceAsync(node, topic, 300);

        await Eventually.UntilAsync(() => receiver.Count == 300, WaitLimit, () => $"all 300 in batches; got {receiver.Count}", Ct);
        var batches = receiver.Batches.ToList();
        Assert.All(batches, b => Assert.InRange(b.Count, 1, 25));
        Assert.All(batches, b => Assert.Single(b.Select(m => m.Partition).Distinct()));
        Assert.Contains(batches, b => b.Count == 25); // the size bound cut them, not only the time bound
        foreach (var partition in batches.SelectMany(b => b).GroupBy(m => m.Partition))
        {
            var offsets = partition.Select(m => m.Offset!.Value).ToList();
            Assert.Equal(Enumerable.Range((int)offsets[0], offsets.Count).Select(o => (long)o), offsets); // in order, no gap, none twice
        }

        Dictionary<int, long> committed = [];
        await Eventually.UntilAsync(
            () => (committed = CommittedOffsets.Read(_cluster, layer, "n", topic, 3)).Sum(c => c.Value) == 300,
            WaitLimit,
            () => $"every batch committed: [{string.Join(',', committed)}]",
            Ct);
    }

    [Fact]
    public async Task AFewMessages_AreHandedOverAtTheTimeBound_NotHeldForAFullBatch()
    {
        var topic = await _cluster.CreateNewTopicAsync("batchtime", 1, Ct);
        await using var node = await StartAsync(NodeHost.NewLayer(), b => b.AddBatchReceiver<Collecting>(topic, maxMessages: 1000, maxWait: TimeSpan.FromMilliseconds(300)));
        var receiver = node.Host.Services.GetRequiredService<Collecting>();

        var watch = Stopwatch.StartNew();
        await ProduceAsync(node, topic, 3);
        await Eventually.UntilAsync(() => receiver.Count == 3, WaitLimit, () => $"the 3 messages; got {receiver.Count}", Ct);

        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(10)); // waited for the bound, not for 1000 messages
        Assert.Equal(3, receiver.Batches.SelectMany(b => b).Count());
    }

    [Fact]
    public async Task AFailingBatch_IsRetriedWhole_ThenEveryMessageOfItIsDeadLettered_AndTheNextBatchGoesOn()
    {
        var topic = await _cluster.CreateNewTopicAsync("batchfail", 1, Ct);
        var receiver = new Collecting { FailWhenContains = "poison" };
        await using var node = await StartAsync(
            NodeHost.NewLayer(),
            b => b.AddBatchReceiver<Collecting>(topic, maxMessages: 5, maxWait: TimeSpan.FromSeconds(5), configure: r => r.OnError(KafkaErrorPolicy.Retry(2, TimeSpan.FromMilliseconds(10)).ThenDeadLetter())),
            s => s.AddSingleton(receiver));

        foreach (var value in new[] { "a0", "a1", "poison", "a3", "a4", "b0", "b1", "b2", "b3", "b4" })
        {
            await node.Api.ProduceAsync(KafkaMessage.FromText(topic, "k", value), Ct);
        }

        await Eventually.UntilAsync(() => receiver.Succeeded.Count == 5, WaitLimit, () => $"the second batch; attempts [{string.Join(" | ", receiver.Attempts.Select(a => string.Join(',', a)))}]", Ct);
        var first = new[] { "a0", "a1", "poison", "a3", "a4" };
        Assert.Equal([first, first, first], receiver.Attempts.Take(3).Select(a => a.ToArray())); // the batch as one, tried 3 times
        Assert.Equal(["b0", "b1", "b2", "b3", "b4"], receiver.Succeeded);
        Assert.Equal(first, ReadAll(topic + ".DLT", 5).Select(r => Encoding.UTF8.GetString(r.Message.Value)));
    }

    [Fact]
    public async Task ABatchNotFinished_IsNotCommitted_AndTheNextRunGetsItAgain()
    {
        var topic = await _cluster.CreateNewTopicAsync("batchcrash", 1, Ct);
        var layer = NodeHost.NewLayer();
        var gated = new GatedBatch();
        var node = await StartAsync(layer, b => b.AddBatchReceiver<GatedBatch>(topic, maxMessages: 10), s => s.AddSingleton(gated));
        await ProduceAsync(node, topic, 10);
        await Eventually.UntilAsync(() => gated.Entered == 1, WaitLimit, () => "the batch to reach the receiver", Ct);

        await node.DisposeAsync(); // the batch is abandoned: nothing of it is committed (the start, 0, at most)
        Assert.InRange(CommittedOffsets.Read(_cluster, layer, "n", topic, 1)[0], -1, 0);

        await using var next = await StartAsync(layer, b => b.AddBatchReceiver<Collecting>(topic, maxMessages: 10));
        var receiver = next.Host.Services.GetRequiredService<Collecting>();
        await Eventually.UntilAsync(() => receiver.Count == 10, WaitLimit, () => $"the whole batch again; got {receiver.Count}", Ct);
    }

    [Fact]
    public async Task WithAMessageReceiverOnTheSameTopic_BothGetEverything_AndTheCommitWaitsForTheBatch()
    {
        var topic = await _cluster.CreateNewTopicAsync("batchmixed", 1, Ct);
        var layer = NodeHost.NewLayer();
        var gated = new GatedBatch();
        await using var node = await StartAsync(layer, b => b.AddBatchReceiver<GatedBatch>(topic, maxMessages: 4, maxWait: TimeSpan.FromMilliseconds(100)).AddReceiver<OtherReceiver>(topic), s => s.AddSingleton(gated));
        var single = node.Host.Services.GetRequiredService<OtherReceiver>();

        await ProduceAsync(node, topic, 8);
        await Eventually.UntilAsync(() => single.Received.Count == 8 && gated.Entered == 1, WaitLimit, () => $"the message receiver done ({single.Received.Count}), the first batch waiting", Ct);
        // Give a wrong commit every chance to happen: several commit intervals pass.
        await Eventually.UntilAsync(() => node.Host.Services.GetRequiredService<KafkaDispatchers>().Node.AssignedPartitions.Single(p => p.Topic == topic).InFlight == 8, WaitLimit, () => $"the partition's 8 messages unfinished: {string.Join(", ", node.Host.Services.GetRequiredService<KafkaDispatchers>().Node.AssignedPartitions)}", Ct);
        Assert.InRange(CommittedOffsets.Read(_cluster, layer, "n", topic, 1)[0], -1, 0);

        gated.Open();
        Dictionary<int, long> committed = [];
        await Eventually.UntilAsync(() => (committed = CommittedOffsets.Read(_cluster, layer, "n", topic, 1))[0] == 8, WaitLimit, () => $"committed after both: {committed[0]}", Ct);
        Assert.Equal(8, gated.Finished.Count);
    }

    [Fact]
    public async Task InAGroupOfTheirOwn_TwoNodesShareTheBatches_EachMessageOnce()
    {
        var topic = await _cluster.CreateNewTopicAsync("batchshared", 4, Ct);
        var layer = NodeHost.NewLayer();
        var group = _cluster.NewGroupId("batches");
        var onA = new Collecting();
        var onB = new Collecting();
        await using var a = await NodeHost.StartAsync(_cluster, layer, "a", b => b.AddBatchReceiver<Collecting>(topic, maxMessages: 10, configure: r => r.InGroup(group)), o => o.Consumer["auto.offset.reset"] = "earliest", s => s.AddSingleton(onA));
        await using var b = await NodeHost.StartAsync(_cluster, layer, "b", b => b.AddBatchReceiver<Collecting>(topic, maxMessages: 10, configure: r => r.InGroup(group)), o => o.Consumer["auto.offset.reset"] = "earliest", s => s.AddSingleton(onB));
        await Eventually.UntilAsync(() => new[] { a, b }.All(n => n.Host.Services.GetRequiredService<KafkaConnector.Diagnostics.IKafkaConnectorStatus>().GetReceiverStatus().Single().Partitions.Count == 2), WaitLimit, () => "the 4 partitions split 2 and 2", Ct);

        await ProduceAsync(a, topic, 200);

        await Eventually.UntilAsync(() => onA.Count + onB.Count >= 200, WaitLimit, () => $"all 200 between the nodes: {onA.Count} + {onB.Count}", Ct);
        Assert.True(onA.Count > 0 && onB.Count > 0, $"both nodes should have had batches: {onA.Count}, {onB.Count}");
        Assert.Equal(Enumerable.Range(0, 200), onA.Batches.Concat(onB.Batches).SelectMany(m => m).Select(m => int.Parse(m.ValueAsString()!, CultureInfo.InvariantCulture)).Order());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(100_001)]
    public void ABatchSizeOutOfRange_IsRefusedAtRegistration_NamingIt(int size)
    {
        var builder = new ServiceCollection().AddKafkaConnector(o => o.All["bootstrap.servers"] = "127.0.0.1:9");

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => builder.AddBatchReceiver<Collecting>("orders", maxMessages: size));

        Assert.Equal("maxMessages", error.ParamName);
    }

    [Fact]
    public void ANonPositiveTimeBound_IsRefusedAtRegistration_NamingIt()
    {
        var builder = new ServiceCollection().AddKafkaConnector(o => o.All["bootstrap.servers"] = "127.0.0.1:9");

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => builder.AddBatchReceiver<Collecting>("orders", maxWait: TimeSpan.Zero));

        Assert.Equal("maxWait", error.ParamName);
    }

    private Task<NodeHost> StartAsync(string layer, Action<IKafkaConnectorBuilder> build, Action<IServiceCollection>? services = null) =>
        NodeHost.StartAsync(_cluster, layer, "n", build, o => o.Consumer["auto.offset.reset"] = "earliest", services);

    private static async Task ProduceAsync(NodeHost node, string topic, int count)
    {
        for (var i = 0; i < count; i++)
        {
            await node.Api.ProduceAsync(new KafkaMessage(topic, Encoding.UTF8.GetBytes($"k{i % 7}"), Encoding.UTF8.GetBytes(i.ToString(CultureInfo.InvariantCulture))), Ct);
        }
    }

    private List<ConsumeResult<byte[], byte[]>> ReadAll(string topic, int expected)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(_cluster.CreateConsumerConfig(_cluster.NewGroupId())).Build();
        consumer.Subscribe(topic);
        var records = new List<ConsumeResult<byte[], byte[]>>();
        var watch = Stopwatch.StartNew();
        while (records.Count < expected && watch.Elapsed < WaitLimit)
        {
            try
            {
                if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { IsPartitionEOF: false } record)
                {
                    records.Add(record);
                }
            }
            catch (ConsumeException e) when (e.Error.Code == ErrorCode.UnknownTopicOrPart)
            {
                // created by the first dead letter
            }
        }

        return records;
    }

    internal sealed class Collecting : IKafkaBatchReceiver
    {
        public ConcurrentQueue<IReadOnlyList<KafkaMessage>> Batches { get; } = new();

        public ConcurrentQueue<string[]> Attempts { get; } = new();

        public ConcurrentQueue<string> Succeeded { get; } = new();

        public string? FailWhenContains { get; init; }

        public int Count => Batches.Sum(b => b.Count);

        public Task ReceiveAsync(IReadOnlyList<KafkaMessage> messages, CancellationToken cancellationToken)
        {
            var values = messages.Select(m => m.ValueAsString()!).ToArray();
            Attempts.Enqueue(values);
            if (FailWhenContains is { } poison && values.Contains(poison))
            {
                throw new InvalidOperationException("the batch holds " + poison);
            }

            Batches.Enqueue([.. messages]);
            foreach (var value in values)
            {
                Succeeded.Enqueue(value);
            }

            return Task.CompletedTask;
        }
    }

    /// <summary>Holds every batch until <see cref="Open"/>.</summary>
    internal sealed class GatedBatch : IKafkaBatchReceiver
    {
        private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _entered;

        public int Entered => Volatile.Read(ref _entered);

        public ConcurrentQueue<string> Finished { get; } = new();

        public void Open() => _gate.TrySetResult();

        public async Task ReceiveAsync(IReadOnlyList<KafkaMessage> messages, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _entered);
            await _gate.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            foreach (var message in messages)
            {
                Finished.Enqueue(message.ValueAsString()!);
            }
        }
    }
}
