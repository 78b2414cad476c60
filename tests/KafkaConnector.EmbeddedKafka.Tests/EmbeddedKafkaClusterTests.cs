using System.Collections.Concurrent;
using System.Globalization;
using Confluent.Kafka;
using KafkaConnector.Testing;
using static KafkaConnector.EmbeddedKafka.Tests.ClientHelpers;

namespace KafkaConnector.EmbeddedKafka.Tests;

/// <summary>Proves the embedded broker behaves as a Kafka cluster for Confluent.Kafka clients.</summary>
public sealed class EmbeddedKafkaClusterTests(KafkaFixture fixture)
{
    private readonly KafkaTestCluster _cluster = fixture.Cluster;

    [Fact]
    public async Task RoundTrip_10kMessages_NoLossAndNoDuplicates()
    {
        var topic = await _cluster.CreateNewTopicAsync("roundtrip", partitions: 4, TestContext.Current.CancellationToken);
        using var producer = new ProducerBuilder<string, string>(_cluster.CreateProducerConfig()).Build();
        await ProduceRangeAsync(producer, topic, 0, 10_000);

        using var consumer = new ConsumerBuilder<string, string>(_cluster.CreateConsumerConfig(_cluster.NewGroupId())).Build();
        consumer.Subscribe(topic);
        var received = ConsumeExactly(consumer, 10_000);

        var values = received.Select(r => int.Parse(r.Message.Value, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(10_000, values.Distinct().Count());
        Assert.Equal(Enumerable.Range(0, 10_000), values.Order());
        Assert.Equal(4, received.Select(r => r.Partition.Value).Distinct().Count());
        Assert.Null(consumer.Consume(TimeSpan.FromMilliseconds(500)));
    }

    [Fact]
    public async Task TwoGroups_EachReceiveEveryMessage()
    {
        var topic = await _cluster.CreateNewTopicAsync("twogroups", partitions: 2, TestContext.Current.CancellationToken);
        using var producer = new ProducerBuilder<string, string>(_cluster.CreateProducerConfig()).Build();
        await ProduceRangeAsync(producer, topic, 0, 500);

        foreach (var group in new[] { _cluster.NewGroupId("a"), _cluster.NewGroupId("b") })
        {
            using var consumer = new ConsumerBuilder<string, string>(_cluster.CreateConsumerConfig(group)).Build();
            consumer.Subscribe(topic);
            var values = ConsumeExactly(consumer, 500).Select(r => r.Message.Value).ToHashSet();
            Assert.Equal(500, values.Count);
            consumer.Close();
        }
    }

    [Fact]
    public async Task OneGroup_MembersSplitPartitions_AndSurvivorTakesOverWhenOneLeaves()
    {
        var ct = TestContext.Current.CancellationToken;
        var topic = await _cluster.CreateNewTopicAsync("split", partitions: 4, ct);
        var group = _cluster.NewGroupId();
        await using var first = new PollingMember(_cluster.CreateConsumerConfig(group), topic);
        await using var second = new PollingMember(_cluster.CreateConsumerConfig(group), topic);

        await Eventually.UntilAsync(
            () => first.Assigned.Count == 2 && second.Assigned.Count == 2,
            WaitLimit,
            () => $"each member to own 2 of 4 partitions; first has [{string.Join(',', first.Assigned)}], second has [{string.Join(',', second.Assigned)}]",
            ct);
        Assert.Empty(first.Assigned.Intersect(second.Assigned));

        await second.DisposeAsync();
        await Eventually.UntilAsync(
            () => first.Assigned.Count == 4,
            WaitLimit,
            () => $"the survivor to own all 4 partitions; it has [{string.Join(',', first.Assigned)}]",
            ct);

        using var producer = new ProducerBuilder<string, string>(_cluster.CreateProducerConfig()).Build();
        for (var p = 0; p < 4; p++)
        {
            await producer.ProduceAsync(new TopicPartition(topic, p), new Message<string, string> { Key = "k", Value = p.ToString(CultureInfo.InvariantCulture) }, ct);
        }

        await Eventually.UntilAsync(
            () => first.ReceivedPartitions.Count == 4,
            WaitLimit,
            () => $"the survivor to receive from all 4 partitions; it received from [{string.Join(',', first.ReceivedPartitions.Keys)}]",
            ct);
    }

    [Fact]
    public async Task CommittedOffsets_SurviveConsumerRestart()
    {
        var topic = await _cluster.CreateNewTopicAsync("commits", partitions: 1, TestContext.Current.CancellationToken);
        var group = _cluster.NewGroupId();
        using var producer = new ProducerBuilder<string, string>(_cluster.CreateProducerConfig()).Build();
        await ProduceRangeAsync(producer, topic, 0, 10);

        using (var consumer = new ConsumerBuilder<string, string>(_cluster.CreateConsumerConfig(group)).Build())
        {
            consumer.Subscribe(topic);
            var firstFive = ConsumeExactly(consumer, 5);
            consumer.Commit(firstFive[^1]);
            // Read two more without committing: they must come again after the restart.
            ConsumeExactly(consumer, 2);
            consumer.Close();
        }

        using var restarted = new ConsumerBuilder<string, string>(_cluster.CreateConsumerConfig(group)).Build();
        restarted.Subscribe(topic);
        var rest = ConsumeExactly(restarted, 5).Select(r => r.Message.Value);
        Assert.Equal(["5", "6", "7", "8", "9"], rest);
    }

    [Fact]
    public async Task BrokerDownThenUp_DeliversMessagesQueuedMeanwhile()
    {
        var ct = TestContext.Current.CancellationToken;
        // Fault injection needs a cluster of its own: taking brokers down must not disturb other tests.
        await using var cluster = EmbeddedKafkaCluster.Start();
        cluster.CreateTopic("outage", partitions: 1);
        var transportErrors = 0;
        using var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = cluster.BootstrapServers, LingerMs = 0 })
            .SetErrorHandler((_, e) =>
            {
                if (e.Code is ErrorCode.Local_Transport or ErrorCode.Local_AllBrokersDown)
                {
                    Interlocked.Increment(ref transportErrors);
                }
            })
            .Build();
        await producer.ProduceAsync("outage", new Message<string, string> { Key = "k", Value = "before" }, ct);

        cluster.SetBrokerDown(EmbeddedKafkaCluster.AllBrokers);
        await Eventually.UntilAsync(() => Volatile.Read(ref transportErrors) > 0, WaitLimit, () => "the producer to notice the broker went down", ct);
        var queued = Enumerable.Range(0, 20)
            .Select(i => producer.ProduceAsync("outage", new Message<string, string> { Key = "k", Value = $"queued-{i}" }, ct))
            .ToArray();
        Assert.DoesNotContain(queued, t => t.IsCompleted);

        cluster.SetBrokerUp(EmbeddedKafkaCluster.AllBrokers);
        var results = await Task.WhenAll(queued).WaitAsync(WaitLimit, ct);
        Assert.All(results, r => Assert.Equal(PersistenceStatus.Persisted, r.Status));

        using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = cluster.BootstrapServers,
            GroupId = "outage-check",
            AutoOffsetReset = AutoOffsetReset.Earliest,
        }).Build();
        consumer.Subscribe("outage");
        var values = ConsumeExactly(consumer, 21).Select(r => r.Message.Value).ToList();
        Assert.Equal(["before", .. Enumerable.Range(0, 20).Select(i => $"queued-{i}")], values);
    }

    [Fact]
    public async Task InjectedRetriableErrors_AreRetriedByTheClient()
    {
        await using var cluster = EmbeddedKafkaCluster.Start();
        cluster.CreateTopic("retry", partitions: 1);
        using var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = cluster.BootstrapServers, RetryBackoffMs = 10 }).Build();
        await producer.ProduceAsync("retry", new Message<Null, string> { Value = "warm-up" }, TestContext.Current.CancellationToken);

        cluster.PushRequestErrors(KafkaApiKey.Produce, ErrorCode.NotEnoughReplicas, ErrorCode.NotEnoughReplicas, ErrorCode.NotEnoughReplicas);
        var result = await producer.ProduceAsync("retry", new Message<Null, string> { Value = "after-retries" }, TestContext.Current.CancellationToken);

        Assert.Equal(PersistenceStatus.Persisted, result.Status);
        Assert.Equal(1, result.Offset.Value);
    }

    [Fact]
    public async Task InjectedRetriableError_FailsTheProduce_WhenRetriesAreOff()
    {
        // The counterpart of the test above: proves the injected errors really reach the client.
        await using var cluster = EmbeddedKafkaCluster.Start();
        cluster.CreateTopic("noretry", partitions: 1);
        using var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = cluster.BootstrapServers, MessageSendMaxRetries = 0 }).Build();
        await producer.ProduceAsync("noretry", new Message<Null, string> { Value = "warm-up" }, TestContext.Current.CancellationToken);

        cluster.PushRequestErrors(KafkaApiKey.Produce, ErrorCode.NotEnoughReplicas);
        var error = await Assert.ThrowsAsync<ProduceException<Null, string>>(
            () => producer.ProduceAsync("noretry", new Message<Null, string> { Value = "fails" }, TestContext.Current.CancellationToken));

        Assert.Equal(ErrorCode.NotEnoughReplicas, error.Error.Code);
    }

    [Fact]
    public async Task InjectedNonRetriableError_SurfacesAsProduceException()
    {
        await using var cluster = EmbeddedKafkaCluster.Start();
        cluster.CreateTopic("denied", partitions: 1);
        using var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = cluster.BootstrapServers }).Build();
        await producer.ProduceAsync("denied", new Message<Null, string> { Value = "warm-up" }, TestContext.Current.CancellationToken);

        cluster.PushRequestErrors(KafkaApiKey.Produce, ErrorCode.TopicAuthorizationFailed);
        var error = await Assert.ThrowsAsync<ProduceException<Null, string>>(
            () => producer.ProduceAsync("denied", new Message<Null, string> { Value = "refused" }, TestContext.Current.CancellationToken));

        Assert.Equal(ErrorCode.TopicAuthorizationFailed, error.Error.Code);
    }

    [Fact]
    public async Task CreateTopic_Twice_ThrowsWithTheBrokersError()
    {
        await using var cluster = EmbeddedKafkaCluster.Start();
        cluster.CreateTopic("once", partitions: 3);

        var error = Assert.Throws<KafkaException>(() => cluster.CreateTopic("once", partitions: 3));

        Assert.Equal(ErrorCode.TopicAlreadyExists, error.Error.Code);
        Assert.Contains("once", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreatedTopic_HasTheRequestedPartitions_AndDeletedTopicIsGone()
    {
        await using var cluster = EmbeddedKafkaCluster.Start(brokerCount: 3);
        cluster.CreateTopic("shape", partitions: 6, replicationFactor: 3);
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = cluster.BootstrapServers }).Build();

        var metadata = admin.GetMetadata("shape", TimeSpan.FromSeconds(10));
        Assert.Equal(3, metadata.Brokers.Count);
        var topic = Assert.Single(metadata.Topics);
        Assert.Equal(6, topic.Partitions.Count);
        Assert.All(topic.Partitions, p => Assert.Equal(3, p.Replicas.Length));

        cluster.DeleteTopic("shape");
        var error = Assert.Throws<KafkaException>(() => cluster.DeleteTopic("shape"));
        Assert.Equal(ErrorCode.UnknownTopicOrPart, error.Error.Code);
    }

    [Fact]
    public async Task Dispose_ThenUse_ThrowsObjectDisposed()
    {
        var cluster = EmbeddedKafkaCluster.Start();
        await cluster.DisposeAsync();
        await cluster.DisposeAsync();

        Assert.Throws<ObjectDisposedException>(() => cluster.CreateTopic("late"));
    }

    /// <summary>A group member that polls on its own thread and records its assignment.</summary>
    private sealed class PollingMember : IAsyncDisposable
    {
        private readonly IConsumer<string, string> _consumer;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;
        private readonly ConcurrentDictionary<int, bool> _assigned = new();
        private int _disposed;

        public PollingMember(ConsumerConfig config, string topic)
        {
            _consumer = new ConsumerBuilder<string, string>(config)
                .SetPartitionsAssignedHandler((_, parts) => parts.ForEach(p => _assigned[p.Partition.Value] = true))
                .SetPartitionsRevokedHandler((_, parts) => parts.ForEach(p => _assigned.TryRemove(p.Partition.Value, out bool _)))
                .Build();
            _consumer.Subscribe(topic);
            _loop = Task.Factory.StartNew(Poll, TaskCreationOptions.LongRunning);
        }

        public List<int> Assigned => _assigned.Keys.Order().ToList();

        public ConcurrentDictionary<int, bool> ReceivedPartitions { get; } = new();

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 1)
            {
                return;
            }

            await _stop.CancelAsync();
            await _loop;
            _consumer.Close();
            _consumer.Dispose();
            _stop.Dispose();
        }

        private void Poll()
        {
            while (!_stop.IsCancellationRequested)
            {
                var result = _consumer.Consume(TimeSpan.FromMilliseconds(100));
                if (result is not null)
                {
                    ReceivedPartitions[result.Partition.Value] = true;
                }
            }
        }
    }
}
