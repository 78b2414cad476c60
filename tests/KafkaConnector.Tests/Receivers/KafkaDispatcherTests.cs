using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Confluent.Kafka;
using KafkaConnector.Messages;
using KafkaConnector.Receivers;
using KafkaConnector.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace KafkaConnector.Tests.Receivers;

public sealed class KafkaDispatcherTests(KafkaFixture fixture)
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(60);
    private readonly KafkaTestCluster _cluster = fixture.Cluster;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Broadcast_ReachesEveryNodeOnce()
    {
        var layer = NodeHost.NewLayer();
        var nodes = new List<NodeHost>();
        try
        {
            foreach (var id in new[] { "a", "b", "c" })
            {
                nodes.Add(await NodeHost.StartAsync(_cluster, layer, id, b => b.AddReceiver<BroadcastReceiver>("{broadcast}")));
            }

            await nodes[0].Cluster.BroadcastAsync(null, "hello all"u8.ToArray(), cancellationToken: Ct);

            var receivers = nodes.Select(n => n.Host.Services.GetRequiredService<BroadcastReceiver>()).ToList();
            await Eventually.UntilAsync(() => receivers.All(r => !r.Received.IsEmpty), WaitLimit, () => $"each node to get the broadcast: [{string.Join(',', receivers.Select(r => r.Received.Count))}]", Ct);
            // Membership keeps flowing on the same topic: give a duplicate every chance to show up.
            await Eventually.UntilAsync(() => nodes.All(n => n.Cluster.Members.Count == 3), WaitLimit, () => "membership to settle", Ct);
            Assert.All(receivers, r => Assert.Equal(["hello all"], r.Values));
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task NodeMessage_ReachesOnlyItsNode()
    {
        var layer = NodeHost.NewLayer();
        await using var a = await NodeHost.StartAsync(_cluster, layer, "a", b => b.AddReceiver<NodeReceiver>("{node}"));
        await using var b = await NodeHost.StartAsync(_cluster, layer, "b", b => b.AddReceiver<NodeReceiver>("{node}"));

        await a.Cluster.SendToNodeAsync("b", "k"u8.ToArray(), "for b"u8.ToArray(), cancellationToken: Ct);
        await a.Cluster.SendToNodeAsync("a", "k"u8.ToArray(), "for a"u8.ToArray(), cancellationToken: Ct);

        var onA = a.Host.Services.GetRequiredService<NodeReceiver>();
        var onB = b.Host.Services.GetRequiredService<NodeReceiver>();
        await Eventually.UntilAsync(() => !onA.Received.IsEmpty && !onB.Received.IsEmpty, WaitLimit, () => "both node messages", Ct);
        Assert.Equal(["for a"], onA.Values);
        Assert.Equal(["for b"], onB.Values);
        Assert.Equal($"hyperiot_layer_{layer}_b", onB.Received.Single().Topic);
    }

    [Fact]
    public async Task KeyFilters_SelectByKey_AndNoFilterGetsEveryKeyIncludingNull()
    {
        var topic = await _cluster.CreateNewTopicAsync("keys", 1, Ct);
        await using var node = await NodeHost.StartAsync(_cluster, NodeHost.NewLayer(), "n", b => b
            .AddReceiver<BroadcastReceiver>(topic, keyFilter: "device-1")
            .AddReceiver<OtherReceiver>(topic, keyFilter: "*")
            .AddReceiver<NodeReceiver>(topic));

        foreach (var (key, value) in new[] { ("device-1", "one"), ("device-2", "two"), (null, "keyless") })
        {
            await node.Api.ProduceAsync(KafkaMessage.FromText(topic, key, value), Ct);
        }

        var keyed = node.Host.Services.GetRequiredService<BroadcastReceiver>();
        var star = node.Host.Services.GetRequiredService<OtherReceiver>();
        var all = node.Host.Services.GetRequiredService<NodeReceiver>();
        await Eventually.UntilAsync(() => all.Received.Count == 3 && star.Received.Count == 3, WaitLimit, () => $"3 messages each, got {all.Received.Count} and {star.Received.Count}", Ct);
        Assert.Equal(["one"], keyed.Values);
        Assert.Equal(["keyless", "one", "two"], all.Values.Order()); // different keys: any order
        Assert.Null(Assert.Single(all.Received, m => m.ValueAsString() == "keyless").Key);
    }

    [Fact]
    public async Task RuntimeRegistration_NewTopicReceivesWithoutRestart_AndUnregisteredStops()
    {
        var topic = await _cluster.CreateNewTopicAsync("runtime", 2, Ct);
        var witnessTopic = await _cluster.CreateNewTopicAsync("witness", 1, Ct);
        await using var node = await NodeHost.StartAsync(_cluster, NodeHost.NewLayer(), "n", b => b.AddReceiver<OtherReceiver>(witnessTopic));
        var runtime = new RecordingReceiver();

        var registration = node.Api.RegisterReceiver(runtime, topic);
        // The node re-subscribes; keep sending until the first message arrives, then check nothing is lost after.
        await Eventually.UntilAsync(
            () =>
            {
                node.Api.Enqueue(KafkaMessage.FromText(topic, "probe", "probe"));
                return !runtime.Received.IsEmpty;
            },
            WaitLimit,
            () => "the runtime receiver to get its first message",
            Ct);
        await node.Api.ProduceAsync(KafkaMessage.FromText(topic, "k", "after-subscribe"), Ct);
        await Eventually.UntilAsync(() => runtime.Values.Contains("after-subscribe"), WaitLimit, () => "the message sent after subscription", Ct);

        registration.Dispose();
        await node.Api.ProduceAsync(KafkaMessage.FromText(topic, "k", "after-unregister"), Ct);
        await node.Api.ProduceAsync(KafkaMessage.FromText(witnessTopic, "k", "witness"), Ct);
        var witness = node.Host.Services.GetRequiredService<OtherReceiver>();
        await Eventually.UntilAsync(() => witness.Values.Contains("witness"), WaitLimit, () => "the witness message", Ct);
        Assert.DoesNotContain("after-unregister", runtime.Values);
    }

    [Fact]
    public async Task TenThousandKeyedMessages_KeepPerKeyOrder_WhileRunningInParallel()
    {
        const int Keys = 50;
        const int PerKey = 200;
        var topic = await _cluster.CreateNewTopicAsync("order", 4, Ct);
        var receiver = new OrderReceiver();
        await using var node = await NodeHost.StartAsync(_cluster, NodeHost.NewLayer(), "n",
            b => b.AddReceiver<OrderReceiver>(topic),
            o => o.System.MaxConsumerThreads = 16,
            s => s.AddSingleton(receiver));

        await using (var pool = node.Api.CreateProducerPool(2))
        {
            for (var i = 0; i < PerKey; i++)
            {
                for (var k = 0; k < Keys; k++)
                {
                    pool.Send(KafkaMessage.FromText(topic, $"key-{k}", i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                }
            }
        }

        await Eventually.UntilAsync(() => receiver.Total == Keys * PerKey, WaitLimit, () => $"{Keys * PerKey} messages, got {receiver.Total}", Ct);
        Assert.Equal(Keys, receiver.PerKey.Count);
        Assert.All(receiver.PerKey.Values, sequence => Assert.Equal(Enumerable.Range(0, PerKey), sequence));
        Assert.True(receiver.MaxConcurrency > 1, $"different keys should run in parallel; max concurrency was {receiver.MaxConcurrency}");
    }

    [Fact]
    public async Task ThrowingReceiver_IsRetried_ThenDeadLettered_WithHeaders_WhileOtherPartitionsFlow()
    {
        var topic = await _cluster.CreateNewTopicAsync("poison", 2, Ct);
        var receiver = new PoisonReceiver();
        await using var node = await NodeHost.StartAsync(_cluster, NodeHost.NewLayer(), "n",
            b => b.AddReceiver<PoisonReceiver>(topic),
            o =>
            {
                o.Dispatch.MaxRetries = 2;
                o.Dispatch.RetryBackoff = TimeSpan.FromSeconds(2);
            },
            s => s.AddSingleton(receiver));

        await node.Api.ProduceAsync(new KafkaMessage(topic, "poison"u8.ToArray(), "bad"u8.ToArray()) { Partition = 0, Headers = new Headers { { "origin", "test"u8.ToArray() } } }, Ct);
        for (var i = 0; i < 20; i++)
        {
            await node.Api.ProduceAsync(new KafkaMessage(topic, "fine"u8.ToArray(), Encoding.UTF8.GetBytes($"ok{i}")) { Partition = 1 }, Ct);
        }

        // The other partition is done while the poison message is still being retried (backoff 2 s + 4 s).
        await Eventually.UntilAsync(() => receiver.Succeeded.Count == 20, WaitLimit, () => $"20 good messages, got {receiver.Succeeded.Count}", Ct);
        Assert.True(receiver.PoisonAttempts < 3, $"the good messages must not wait for the poison message's retries; attempts so far {receiver.PoisonAttempts}");

        var dead = DeadLetters.ReadFirst(_cluster, topic, WaitLimit);

        Assert.NotNull(dead);
        Assert.Equal(3, receiver.PoisonAttempts);
        Assert.Equal("poison"u8.ToArray(), dead.Message.Key);
        Assert.Equal("bad"u8.ToArray(), dead.Message.Value);
        string H(string name) => Encoding.UTF8.GetString(dead.Message.Headers.GetLastBytes(name));
        Assert.Equal("test", H("origin"));
        Assert.Equal(nameof(PoisonReceiver), H(DeadLetterHeaders.Receiver));
        Assert.Equal(typeof(InvalidDataException).FullName, H(DeadLetterHeaders.ExceptionType));
        Assert.Equal("cannot digest 'bad'", H(DeadLetterHeaders.ExceptionMessage));
        Assert.Equal(topic, H(DeadLetterHeaders.OriginalTopic));
        Assert.Equal("0", H(DeadLetterHeaders.OriginalPartition));
        Assert.Equal("0", H(DeadLetterHeaders.OriginalOffset));
        Assert.Equal("3", H(DeadLetterHeaders.Attempts));
        Assert.True(long.Parse(H(DeadLetterHeaders.OriginalTimestamp), System.Globalization.CultureInfo.InvariantCulture) > 0);
    }

    [Fact]
    public async Task HungReceiver_DoesNotHoldShutdownBeyondTheBound()
    {
        var topic = await _cluster.CreateNewTopicAsync("hung", 1, Ct);
        var receiver = new HungReceiver();
        var node = await NodeHost.StartAsync(_cluster, NodeHost.NewLayer(), "n",
            b => b.AddReceiver<HungReceiver>(topic),
            o => o.ShutdownTimeout = TimeSpan.FromSeconds(2),
            s => s.AddSingleton(receiver));
        await node.Api.ProduceAsync(KafkaMessage.FromText(topic, "k", "never finishes"), Ct);
        await receiver.Entered.Task.WaitAsync(WaitLimit, Ct);

        var watch = Stopwatch.StartNew();
        await node.DisposeAsync();

        Assert.InRange(watch.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(10));
        Assert.True(receiver.SawCancellation, "the hung receiver's token should fire once the bound passed");
    }

    [Fact]
    public async Task NodeRestart_LosesNothing_AndRedeliversOnlyUncommittedMessages()
    {
        const int Count = 300;
        var topic = await _cluster.CreateNewTopicAsync("restart", 2, Ct);
        var layer = NodeHost.NewLayer();
        var first = new CountingReceiver(slowAfter: 120);
        var node = await NodeHost.StartAsync(_cluster, layer, "n", b => b.AddReceiver<CountingReceiver>(topic), services: s => s.AddSingleton(first));
        await using (var pool = node.Api.CreateProducerPool(1))
        {
            for (var i = 0; i < Count; i++)
            {
                pool.Send(KafkaMessage.FromText(topic, $"k{i % 10}", i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            }
        }

        await first.Reached.Task.WaitAsync(WaitLimit, Ct);
        await node.DisposeAsync();
        using var probe = new ConsumerBuilder<byte[], byte[]>(_cluster.CreateConsumerConfig($"hyperiot_{layer}_n")).Build();
        var committed = probe.Committed([new TopicPartition(topic, 0), new TopicPartition(topic, 1)], WaitLimit)
            .ToDictionary(c => c.Partition.Value, c => c.Offset.Value);

        var second = new CountingReceiver(slowAfter: int.MaxValue);
        await using var restarted = await NodeHost.StartAsync(_cluster, layer, "n", b => b.AddReceiver<CountingReceiver>(topic), services: s => s.AddSingleton(second));
        await Eventually.UntilAsync(() => first.Finished.Keys.Union(second.Finished.Keys).Count() == Count, WaitLimit,
            () => $"all {Count} messages across both runs, got {first.Finished.Keys.Union(second.Finished.Keys).Count()}", Ct);

        Assert.True(committed.Values.Sum() > 0, "the first run should have committed its progress");
        // At-least-once: what comes again was never committed (a later key of the partition may have finished first).
        Assert.All(second.Finished.Values, at => Assert.True(at.Offset >= committed[at.Partition], $"{at} was committed at {committed[at.Partition]} yet delivered again"));
    }

    [Fact]
    public async Task ReceiversWithoutIdentity_FailStartClearly()
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Services.AddKafkaConnector(o => o.All["bootstrap.servers"] = _cluster.BootstrapServers).AddReceiver<OtherReceiver>("orders");
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync(Ct));

        Assert.Contains("KafkaConnector:Layer and KafkaConnector:NodeId", error.Message, StringComparison.Ordinal);
        Assert.Contains("OtherReceiver on 'orders'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BlockingReceivers_RunOffThePollThread_AndInParallel()
    {
        var topic = await _cluster.CreateNewTopicAsync("blocking", 1, Ct);
        var receiver = new BlockingReceiver();
        await using var node = await NodeHost.StartAsync(_cluster, NodeHost.NewLayer(), "n", b => b.AddReceiver<BlockingReceiver>(topic), services: s => s.AddSingleton(receiver));

        // Sent together so that they arrive in one fetch.
        await Task.WhenAll(Enumerable.Range(0, 4).Select(k => node.Api.ProduceAsync(KafkaMessage.FromText(topic, $"key-{k}", "x"), Ct)));

        await Eventually.UntilAsync(() => receiver.Done == 4, WaitLimit, () => $"4 messages, got {receiver.Done}", Ct);
        Assert.DoesNotContain("kafka-dispatcher", receiver.Threads);
        Assert.True(receiver.MaxConcurrency > 1, $"blocking receivers of different keys should overlap; max concurrency {receiver.MaxConcurrency}");
    }

    [Theory]
    [InlineData("smallest")]
    [InlineData("earliest")]
    [InlineData("largest")]
    public async Task AutoOffsetResetAliases_DoNotStopTheNode(string reset)
    {
        var topic = await _cluster.CreateNewTopicAsync("reset", 1, Ct);
        await using var node = await NodeHost.StartAsync(_cluster, NodeHost.NewLayer(), "n", b => b.AddReceiver<OtherReceiver>(topic), o => o.Consumer["auto.offset.reset"] = reset);

        await node.Api.ProduceAsync(KafkaMessage.FromText(topic, "k", "after start"), Ct);

        var receiver = node.Host.Services.GetRequiredService<OtherReceiver>();
        await Eventually.UntilAsync(() => receiver.Values.Contains("after start"), WaitLimit, () => "the message", Ct);
    }

    [Fact]
    public async Task RegexFilters_LeaveDeadLetterTopicsAlone()
    {
        var prefix = _cluster.NewTopicName("rx").Replace('-', '_');
        await _cluster.CreateTopicAsync(prefix + "_orders", 1, cancellationToken: Ct);
        await _cluster.CreateTopicAsync(prefix + "_orders.DLT", 1, cancellationToken: Ct);
        await using var node = await NodeHost.StartAsync(_cluster, NodeHost.NewLayer(), "n", b => b.AddReceiver<OtherReceiver>($"regex:^{prefix}_.*"));

        await node.Api.ProduceAsync(KafkaMessage.FromText(prefix + "_orders.DLT", "k", "dead"), Ct);
        await node.Api.ProduceAsync(KafkaMessage.FromText(prefix + "_orders", "k", "live"), Ct);

        var receiver = node.Host.Services.GetRequiredService<OtherReceiver>();
        await Eventually.UntilAsync(() => receiver.Values.Contains("live"), WaitLimit, () => "the live message", Ct);
        Assert.DoesNotContain("dead", receiver.Values);
    }

    [Fact]
    public async Task RegisterReceiver_WithoutIdentity_ThrowsInsteadOfDoingNothing()
    {
        await using var host = ConnectorHost.Create(_cluster);

        var error = Assert.Throws<InvalidOperationException>(() => host.Api.RegisterReceiver(new RecordingReceiver(), "orders"));

        Assert.Contains("KafkaConnector:Layer and KafkaConnector:NodeId", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TopicsTheAdminApiCannotCreate_AreCreatedByWriting()
    {
        var layer = NodeHost.NewLayer();
        await using var node = await NodeHost.StartAsync(_cluster, layer, "n",
            b => b.AddReceiver<NodeReceiver>("{node}"),
            services: s => s.Replace(ServiceDescriptor.Singleton<KafkaConnector.Cluster.IKafkaTopicProvisioner, RefusingProvisioner>()));

        await node.Cluster.SendToNodeAsync("n", null, "arrived"u8.ToArray(), cancellationToken: Ct);

        var receiver = node.Host.Services.GetRequiredService<NodeReceiver>();
        await Eventually.UntilAsync(() => receiver.Values.Contains("arrived"), WaitLimit, () => "the node message", Ct);
        Assert.Equal(["arrived"], receiver.Values); // the probe records are the cluster's own
    }

    [Fact]
    public async Task OnABrokerWithoutTheAdminApi_TheNodeStillGetsItsTopics()
    {
        Assert.SkipUnless(_cluster.IsEmbedded, "needs a broker that refuses the admin API");
        var layer = NodeHost.NewLayer();
        await using var node = await NodeHost.StartAsync(_cluster, layer, "n",
            b => b.AddReceiver<NodeReceiver>("{node}"),
            services: s => s.Replace(ServiceDescriptor.Singleton<KafkaConnector.Cluster.IKafkaTopicProvisioner, KafkaConnector.Cluster.AdminTopicProvisioner>()));

        await node.Cluster.SendToNodeAsync("n", null, "via auto-created topic"u8.ToArray(), cancellationToken: Ct);

        var receiver = node.Host.Services.GetRequiredService<NodeReceiver>();
        await Eventually.UntilAsync(() => receiver.Values.Contains("via auto-created topic"), WaitLimit, () => "the node message", Ct);
    }

    private sealed class RefusingProvisioner : KafkaConnector.Cluster.IKafkaTopicProvisioner
    {
        public Task<KafkaConnector.Cluster.TopicProvisionResult> EnsureTopicAsync(string topic, int partitions, int replicationFactor, CancellationToken cancellationToken) =>
            Task.FromResult(new KafkaConnector.Cluster.TopicProvisionResult(topic, KafkaConnector.Cluster.TopicProvisionOutcome.Failed, Error: "no admin API here"));
    }

    private sealed class BlockingReceiver : IKafkaMessageReceiver
    {
        private int _inside;
        private int _max;
        private int _done;

        public ConcurrentBag<string> Threads { get; } = [];

        public int MaxConcurrency => Volatile.Read(ref _max);

        public int Done => Volatile.Read(ref _done);

        public Task ReceiveAsync(KafkaMessage message, CancellationToken cancellationToken)
        {
            Threads.Add(Thread.CurrentThread.Name ?? "pool");
            var now = Interlocked.Increment(ref _inside);
            int seen;
            while (now > (seen = Volatile.Read(ref _max)) && Interlocked.CompareExchange(ref _max, now, seen) != seen)
            {
            }

            // A receiver that blocks its thread, the case under test: it holds its thread until a second
            // one is inside too (or 10 s pass), so overlap does not hang on the machine's speed.
            SpinWait.SpinUntil(() => Volatile.Read(ref _max) >= 2, TimeSpan.FromSeconds(10));
            Interlocked.Decrement(ref _inside);
            Interlocked.Increment(ref _done);
            return Task.CompletedTask;
        }
    }

    private sealed class OrderReceiver : IKafkaMessageReceiver
    {
        private int _inside;
        private int _total;
        private int _max;

        public ConcurrentDictionary<string, List<int>> PerKey { get; } = new();

        public int Total => Volatile.Read(ref _total);

        public int MaxConcurrency => Volatile.Read(ref _max);

        public async Task ReceiveAsync(KafkaMessage message, CancellationToken cancellationToken)
        {
            var now = Interlocked.Increment(ref _inside);
            int seen;
            while (now > (seen = Volatile.Read(ref _max)) && Interlocked.CompareExchange(ref _max, now, seen) != seen)
            {
            }

            await Task.Yield();
            var list = PerKey.GetOrAdd(message.KeyAsString()!, _ => []);
            lock (list)
            {
                list.Add(int.Parse(message.ValueAsString()!, System.Globalization.CultureInfo.InvariantCulture));
            }

            Interlocked.Decrement(ref _inside);
            Interlocked.Increment(ref _total);
        }
    }

    private sealed class PoisonReceiver : IKafkaMessageReceiver
    {
        private int _poisonAttempts;

        public ConcurrentQueue<string> Succeeded { get; } = new();

        public int PoisonAttempts => Volatile.Read(ref _poisonAttempts);

        public Task ReceiveAsync(KafkaMessage message, CancellationToken cancellationToken)
        {
            if (message.KeyAsString() == "poison")
            {
                Interlocked.Increment(ref _poisonAttempts);
                throw new InvalidDataException($"cannot digest '{message.ValueAsString()}'");
            }

            Succeeded.Enqueue(message.ValueAsString()!);
            return Task.CompletedTask;
        }
    }

    private sealed class HungReceiver : IKafkaMessageReceiver
    {
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool SawCancellation { get; private set; }

        public async Task ReceiveAsync(KafkaMessage message, CancellationToken cancellationToken)
        {
            Entered.TrySetResult();
            cancellationToken.Register(() => SawCancellation = true);
            await new TaskCompletionSource().Task; // ignores the token on purpose: a receiver that hangs
        }
    }

    private sealed class CountingReceiver(int slowAfter) : IKafkaMessageReceiver
    {
        public ConcurrentDictionary<string, (int Partition, long Offset)> Finished { get; } = new();

        public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task ReceiveAsync(KafkaMessage message, CancellationToken cancellationToken)
        {
            if (Finished.Count >= slowAfter)
            {
                Reached.TrySetResult();
                // Slow the rest down so that the stop finds work in flight; cancelled work is not finished.
                await Task.Delay(50, cancellationToken);
            }

            Finished[message.ValueAsString()!] = (message.Partition!.Value, message.Offset!.Value);
        }
    }
}
