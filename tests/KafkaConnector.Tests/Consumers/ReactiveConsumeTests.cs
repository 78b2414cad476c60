using System.Collections.Concurrent;
using System.Reactive.Linq;
using Confluent.Kafka;
using KafkaConnector.Consumers;
using KafkaConnector.Messages;
using KafkaConnector.Testing;

namespace KafkaConnector.Tests.Consumers;

public sealed class ReactiveConsumeTests(KafkaFixture fixture)
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(60);
    private readonly KafkaTestCluster _cluster = fixture.Cluster;

    private async Task<string> TopicWithMessagesAsync(string hint, int partitions, int count)
    {
        var topic = await _cluster.CreateNewTopicAsync(hint, partitions, TestContext.Current.CancellationToken);
        using var producer = new ProducerBuilder<string, string>(_cluster.CreateProducerConfig()).Build();
        for (var i = 0; i < count; i++)
        {
            producer.Produce(topic, new Message<string, string> { Key = $"k{i % 16}", Value = i.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        }

        Assert.Equal(0, producer.Flush(WaitLimit));
        return topic;
    }

    private static int Value(KafkaMessage m) => int.Parse(m.ValueAsString()!, System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task ByTopics_DeliversEveryMessageOnce_WithPartitionOffsetAndTimestamp()
    {
        var topic = await TopicWithMessagesAsync("rx-topics", 3, 300);
        await using var host = ConnectorHost.Create(_cluster);
        var received = new ConcurrentQueue<KafkaMessage>();

        using (host.Api.ConsumeReactive(_cluster.NewGroupId(), [topic]).Subscribe(received.Enqueue))
        {
            await Eventually.UntilAsync(() => received.Count >= 300, WaitLimit, () => $"300 messages, got {received.Count}", TestContext.Current.CancellationToken);
        }

        Assert.Equal(Enumerable.Range(0, 300), received.Select(Value).Order());
        Assert.All(received, m =>
        {
            Assert.Equal(topic, m.Topic);
            Assert.InRange(m.Partition!.Value, 0, 2);
            Assert.NotNull(m.Offset);
            Assert.NotNull(m.Timestamp);
        });
    }

    [Fact]
    public async Task ByTopics_WithCallbacks_ReportsAssignedAndRevokedPartitions()
    {
        var topic = await TopicWithMessagesAsync("rx-callbacks", 2, 10);
        await using var host = ConnectorHost.Create(_cluster);
        var assigned = new ConcurrentQueue<TopicPartition>();
        var revoked = new ConcurrentQueue<TopicPartition>();
        var received = 0;

        var subscription = host.Api.ConsumeReactive(_cluster.NewGroupId(), [topic], p => p.ToList().ForEach(assigned.Enqueue), p => p.ToList().ForEach(revoked.Enqueue))
            .Subscribe(_ => Interlocked.Increment(ref received));
        await Eventually.UntilAsync(() => Volatile.Read(ref received) == 10, WaitLimit, () => $"10 messages, got {received}", TestContext.Current.CancellationToken);
        subscription.Dispose();

        Assert.Equal([0, 1], assigned.Select(p => p.Partition.Value).Order());
        Assert.Equal([0, 1], revoked.Select(p => p.Partition.Value).Order());
    }

    [Fact]
    public async Task ByPartition_ReadsOnlyThatPartition()
    {
        var topic = await TopicWithMessagesAsync("rx-partition", 4, 200);
        await using var host = ConnectorHost.Create(_cluster);
        var received = new ConcurrentQueue<KafkaMessage>();
        using var control = new ConsumerBuilder<string, string>(_cluster.CreateConsumerConfig(_cluster.NewGroupId())).Build();
        control.Assign(new TopicPartitionOffset(topic, 2, Offset.Beginning));
        var expected = 0;
        while (control.Consume(TimeSpan.FromSeconds(2)) is { } r)
        {
            expected++;
        }

        using (host.Api.ConsumeReactive(_cluster.NewGroupId(), topic, 2).Subscribe(received.Enqueue))
        {
            await Eventually.UntilAsync(() => received.Count >= expected, WaitLimit, () => $"{expected} messages of partition 2, got {received.Count}", TestContext.Current.CancellationToken);
        }

        Assert.True(expected > 0);
        Assert.Equal(expected, received.Count);
        Assert.All(received, m => Assert.Equal(2, m.Partition));
    }

    [Fact]
    public async Task ByAssignment_StartsAtTheGivenOffsets_WithoutAGroup()
    {
        var topic = await TopicWithMessagesAsync("rx-assign", 1, 20);
        await using var host = ConnectorHost.Create(_cluster);
        var received = new ConcurrentQueue<KafkaMessage>();

        using (host.Api.ConsumeReactive([new TopicPartitionOffset(topic, 0, 15)]).Subscribe(received.Enqueue))
        {
            await Eventually.UntilAsync(() => received.Count >= 5, WaitLimit, () => $"5 messages from offset 15, got {received.Count}", TestContext.Current.CancellationToken);
        }

        Assert.Equal([15L, 16, 17, 18, 19], received.Select(m => m.Offset!.Value));
    }

    [Fact]
    public async Task ByAssignment_OnAPartitionTheTopicDoesNotHave_EndsWithOnError()
    {
        var topic = await TopicWithMessagesAsync("rx-nopart", 1, 1);
        await using var host = ConnectorHost.Create(_cluster);
        var failed = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);

        using (host.Api.ConsumeReactive([new TopicPartitionOffset(topic, 5, Offset.Beginning)]).Subscribe(_ => { }, e => failed.TrySetResult(e)))
        {
            var error = await failed.Task.WaitAsync(WaitLimit, TestContext.Current.CancellationToken);

            var kafka = Assert.IsAssignableFrom<KafkaException>(error);
            Assert.Equal(ErrorCode.Local_UnknownPartition, kafka.Error.Code);
        }
    }

    [Fact]
    public async Task ByPattern_PicksUpMatchingTopics_IncludingOnesCreatedLater()
    {
        var prefix = _cluster.NewTopicName("rxpat").Replace('-', '_');
        await _cluster.CreateTopicAsync($"{prefix}.a", 1, cancellationToken: TestContext.Current.CancellationToken);
        await using var host = ConnectorHost.Create(_cluster);
        var topics = new ConcurrentDictionary<string, int>();

        using var subscription = host.Api.ConsumeReactivePattern(_cluster.NewGroupId(), $"^{prefix}\\..*").Subscribe(m => topics.AddOrUpdate(m.Topic, 1, (_, n) => n + 1));
        await host.Api.ProduceAsync(KafkaMessage.FromText($"{prefix}.a", null, "1"), TestContext.Current.CancellationToken);
        await _cluster.CreateTopicAsync($"{prefix}.b", 1, cancellationToken: TestContext.Current.CancellationToken);
        await host.Api.ProduceAsync(KafkaMessage.FromText($"{prefix}.b", null, "2"), TestContext.Current.CancellationToken);
        await host.Api.ProduceAsync(KafkaMessage.FromText($"{prefix}_other", null, "no"), TestContext.Current.CancellationToken);

        await Eventually.UntilAsync(() => topics.Count == 2, WaitLimit, () => $"messages from {prefix}.a and .b, got [{string.Join(',', topics.Keys)}]", TestContext.Current.CancellationToken);
        Assert.DoesNotContain($"{prefix}_other", topics.Keys);
    }

    [Fact]
    public async Task SlowObserver_IsNotEvicted_AndTheBufferStaysBounded()
    {
        const int Count = 400;
        var topic = await TopicWithMessagesAsync("rx-slow", 2, Count);
        // max.poll.interval.ms of 3 s: a consumer blocked by a 20 ms-per-message observer for 8 s would be evicted.
        await using var host = ConnectorHost.Create(_cluster, o =>
        {
            o.Consumer["max.poll.interval.ms"] = "3000";
            o.Reactive.BufferSize = 16;
        });
        var received = new ConcurrentQueue<int>();
        var revocations = 0;

        using var subscription = host.Api.ConsumeReactive(_cluster.NewGroupId(), [topic], _ => { }, _ => Interlocked.Increment(ref revocations))
            .Subscribe(m =>
            {
                Thread.Sleep(20); // the slow observer under test, not synchronisation
                received.Enqueue(Value(m));
            });
        var session = Assert.Single(host.Internal.OpenSessions);
        await Eventually.UntilAsync(() => received.Count >= Count, TimeSpan.FromSeconds(90), () => $"{Count} messages, got {received.Count}", TestContext.Current.CancellationToken);

        Assert.Equal(0, Volatile.Read(ref revocations));
        Assert.Equal(Count, received.Distinct().Count());
        Assert.InRange(session.MaxBuffered, 1, 16 + 1);
    }

    [Fact]
    public async Task DisposingTheSubscription_ClosesItsConsumer_SoTheGroupMovesOn()
    {
        var topic = await TopicWithMessagesAsync("rx-dispose", 2, 10);
        var group = _cluster.NewGroupId();
        await using var host = ConnectorHost.Create(_cluster);
        var first = 0;

        var subscription = host.Api.ConsumeReactive(group, [topic]).Subscribe(_ => Interlocked.Increment(ref first));
        await Eventually.UntilAsync(() => Volatile.Read(ref first) == 10, WaitLimit, () => $"10 messages, got {first}", TestContext.Current.CancellationToken);
        Assert.Single(host.Internal.OpenSessions);

        subscription.Dispose();

        // Dispose returned after the consumer committed and left the group.
        Assert.Empty(host.Internal.OpenSessions);
        using var next = new ConsumerBuilder<string, string>(_cluster.CreateConsumerConfig(group)).Build();
        next.Subscribe(topic);
        ConsumeResult<string, string>? redelivered = null;
        await Eventually.UntilAsync(
            () =>
            {
                redelivered ??= next.Consume(TimeSpan.FromMilliseconds(100));
                return next.Assignment.Count == 2;
            },
            WaitLimit,
            () => $"the next member to own both partitions, it owns {next.Assignment.Count}",
            TestContext.Current.CancellationToken);
        Assert.Null(redelivered ?? next.Consume(TimeSpan.FromMilliseconds(500))); // everything delivered was committed
    }

    [Fact]
    public async Task Restart_LosesNothing_AndRepeatsNothingThatWasDelivered()
    {
        const int Count = 200;
        var topic = await TopicWithMessagesAsync("rx-restart", 1, Count);
        var group = _cluster.NewGroupId();
        await using var host = ConnectorHost.Create(_cluster);
        var firstRun = new ConcurrentQueue<int>();
        var done = new TaskCompletionSource();

        // Take(50) disposes the subscription from inside the 50th OnNext.
        using (host.Api.ConsumeReactive(group, [topic]).Take(50).Subscribe(m => firstRun.Enqueue(Value(m)), () => done.TrySetResult()))
        {
            await done.Task.WaitAsync(WaitLimit, TestContext.Current.CancellationToken);
        }

        await Eventually.UntilAsync(() => host.Internal.OpenSessions.Count == 0, WaitLimit, () => "the first stream to close", TestContext.Current.CancellationToken);
        var secondRun = new ConcurrentQueue<int>();
        using (host.Api.ConsumeReactive(group, [topic]).Subscribe(m => secondRun.Enqueue(Value(m))))
        {
            await Eventually.UntilAsync(() => secondRun.Count >= Count - 50, WaitLimit, () => $"{Count - 50} messages after restart, got {secondRun.Count}", TestContext.Current.CancellationToken);
        }

        Assert.Equal(Enumerable.Range(0, 50), firstRun);
        Assert.Equal(Enumerable.Range(50, Count - 50), secondRun);
    }

    [Fact]
    public async Task WithoutCommits_ARestartReadsEverythingAgain()
    {
        var topic = await TopicWithMessagesAsync("rx-nocommit", 1, 30);
        var group = _cluster.NewGroupId();
        await using var host = ConnectorHost.Create(_cluster);
        var options = new KafkaReactiveConsumeOptions { CommitOffsets = false };

        for (var run = 0; run < 2; run++)
        {
            var received = 0;
            using (host.Api.ConsumeReactive(group, KafkaSubscription.ToTopics(topic), options).Subscribe(_ => Interlocked.Increment(ref received)))
            {
                await Eventually.UntilAsync(() => Volatile.Read(ref received) == 30, WaitLimit, () => $"run {run}: 30 messages, got {received}", TestContext.Current.CancellationToken);
            }
        }
    }

    [Fact]
    public async Task TwoConsumerThreads_SplitThePartitions_AndStillDeliverSerially()
    {
        var ct = TestContext.Current.CancellationToken;
        var topic = await _cluster.CreateNewTopicAsync("rx-threads", 4, ct);
        await using var host = ConnectorHost.Create(_cluster, o => o.Reactive.MaxConsumerThreads = 2);
        var received = new ConcurrentQueue<int>();
        var inside = 0;
        var overlapped = false;
        var assignedPerCall = new ConcurrentQueue<int>();

        using (host.Api.ConsumeReactive(_cluster.NewGroupId(), [topic], p => assignedPerCall.Enqueue(p.Count), _ => { }).Subscribe(m =>
        {
            overlapped |= Interlocked.Increment(ref inside) > 1;
            received.Enqueue(Value(m));
            Interlocked.Decrement(ref inside);
        }))
        {
            // The group settles with two partitions for each of the stream's two consumers.
            await Eventually.UntilAsync(() => assignedPerCall.Count(c => c == 2) >= 2, WaitLimit, () => $"two assignments of 2 partitions, saw [{string.Join(',', assignedPerCall)}]", ct);
            using var producer = new ProducerBuilder<string, string>(_cluster.CreateProducerConfig()).Build();
            for (var i = 0; i < 400; i++)
            {
                producer.Produce(new TopicPartition(topic, i % 4), new Message<string, string> { Key = "k", Value = i.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            }

            Assert.Equal(0, producer.Flush(WaitLimit));
            // A rebalance under load may deliver a message twice (at-least-once); none may be missing.
            await Eventually.UntilAsync(() => received.Distinct().Count() >= 400, WaitLimit, () => $"400 distinct messages, got {received.Distinct().Count()}", ct);
        }

        Assert.False(overlapped, "OnNext must never run concurrently");
        Assert.Equal(Enumerable.Range(0, 400), received.Distinct().Order());
    }

    [Fact]
    public async Task ThrowingObserver_EndsTheStream_AndTheConsumerCloses()
    {
        var topic = await TopicWithMessagesAsync("rx-throw", 1, 5);
        await using var host = ConnectorHost.Create(_cluster);
        var calls = 0;

        using var subscription = host.Api.ConsumeReactive(_cluster.NewGroupId(), [topic])
            .Subscribe(_ =>
            {
                Interlocked.Increment(ref calls);
                throw new InvalidOperationException("observer bug");
            });

        await Eventually.UntilAsync(() => host.Internal.OpenSessions.Count == 0, WaitLimit, () => "the failed stream to close", TestContext.Current.CancellationToken);
        Assert.Equal(1, Volatile.Read(ref calls));
    }

    [Fact]
    public async Task GroupSubscription_WithoutGroupId_ThrowsClearly()
    {
        await using var host = ConnectorHost.Create(_cluster);

        var error = Assert.Throws<ArgumentException>(() => host.Api.ConsumeReactive(null, KafkaSubscription.ToTopics("t")));

        Assert.Equal("groupId", error.ParamName);
        Assert.Contains("topics t", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Subscriptions_RejectBadInput_NamingIt()
    {
        Assert.Contains("'bad topic'", Assert.Throws<ArgumentException>(() => KafkaSubscription.ToTopics("bad topic")).Message, StringComparison.Ordinal);
        Assert.Contains("'(unclosed'", Assert.Throws<ArgumentException>(() => KafkaSubscription.ToPattern("(unclosed")).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => KafkaSubscription.ToPartition("t", -1));
        Assert.Throws<ArgumentException>(() => KafkaSubscription.ToTopics());
        Assert.Equal("^orders.*", KafkaSubscription.ToPattern("orders.*").Pattern);
    }
}
