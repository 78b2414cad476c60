using System.Collections.Concurrent;
using Confluent.Kafka;
using KafkaConnector.Messages;
using KafkaConnector.Producers;
using KafkaConnector.Testing;

namespace KafkaConnector.Tests.Producers;

public sealed class KafkaProducerPoolTests(KafkaFixture fixture)
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(60);
    private readonly KafkaTestCluster _cluster = fixture.Cluster;

    [Theory]
    [InlineData(0)]
    [InlineData(65)]
    [InlineData(int.MaxValue)]
    public async Task SizeOutsideOneTo64_IsRefused_BeforeAnyProducerIsMade(int size)
    {
        await using var host = ConnectorHost.Create(_cluster);
        var threads = System.Diagnostics.Process.GetCurrentProcess().Threads.Count;

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => host.Api.CreateProducerPool(size));

        Assert.Equal("size", error.ParamName);
        Assert.Contains("1 to 64 producers", error.Message, StringComparison.Ordinal);
        Assert.InRange(System.Diagnostics.Process.GetCurrentProcess().Threads.Count, 0, threads + 8);
    }

    [Fact]
    public async Task NullKeys_GoRoundRobin_InCallOrder()
    {
        await using var host = ConnectorHost.Create(_cluster);
        await using var pool = (KafkaProducerPool)host.Api.CreateProducerPool(3);

        var picks = Enumerable.Range(0, 9).Select(_ => pool.SelectIndex(new KafkaMessage("t", null, [1]))).ToArray();

        Assert.Equal([0, 1, 2, 0, 1, 2, 0, 1, 2], picks);
    }

    [Fact]
    public async Task NullKeys_UnderEightConcurrentSenders_SpreadExactlyEvenly()
    {
        await using var host = ConnectorHost.Create(_cluster);
        await using var pool = (KafkaProducerPool)host.Api.CreateProducerPool(3);
        var counts = new int[3];
        var message = new KafkaMessage("t", null, [1]);

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 3000; i++)
            {
                Interlocked.Increment(ref counts[pool.SelectIndex(message)]);
            }
        }, TestContext.Current.CancellationToken)));

        // A shared cursor read when a queued task runs (the original's defect) would skew this.
        Assert.Equal([8000, 8000, 8000], counts);
    }

    [Fact]
    public async Task SameKey_AlwaysTheSameProducer()
    {
        await using var host = ConnectorHost.Create(_cluster);
        await using var pool = (KafkaProducerPool)host.Api.CreateProducerPool(4);

        var perKey = Enumerable.Range(0, 200).Select(k => System.Text.Encoding.UTF8.GetBytes($"key-{k}"))
            .Select(key => Enumerable.Range(0, 5).Select(_ => pool.SelectIndex(new KafkaMessage("t", (byte[])key.Clone(), null))).Distinct().Count());

        Assert.All(perKey, distinct => Assert.Equal(1, distinct));
        var used = Enumerable.Range(0, 200).Select(k => pool.SelectIndex(KafkaMessage.FromText("t", $"key-{k}", null))).Distinct().Count();
        Assert.Equal(4, used);
    }

    [Fact]
    public async Task EightConcurrentSenders_EveryCallbackHonoured_AndPerKeyOrderKept()
    {
        var ct = TestContext.Current.CancellationToken;
        var topic = await _cluster.CreateNewTopicAsync("pool", 4, ct);
        await using var host = ConnectorHost.Create(_cluster);
        var results = new ConcurrentQueue<KafkaDeliveryResult>();
        const int PerSender = 500;

        await using (var pool = host.Api.CreateProducerPool(4))
        {
            await Task.WhenAll(Enumerable.Range(0, 8).Select(sender => Task.Run(() =>
            {
                for (var i = 0; i < PerSender; i++)
                {
                    // Key = sender: each sender's messages must stay in its send order.
                    pool.Send(KafkaMessage.FromText(topic, $"sender-{sender}", $"{sender}:{i}"), results.Enqueue);
                }
            }, ct)));
        }

        // Disposing the pool flushed it: every callback has run by now.
        Assert.Equal(8 * PerSender, results.Count);
        Assert.All(results, r => Assert.True(r.IsSuccess, r.ToString()));

        using var consumer = new ConsumerBuilder<string, string>(_cluster.CreateConsumerConfig(_cluster.NewGroupId())).Build();
        consumer.Subscribe(topic);
        var seen = new Dictionary<string, List<int>>();
        var total = 0;
        var deadline = DateTime.UtcNow + WaitLimit;
        while (total < 8 * PerSender && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is not { } r)
            {
                continue;
            }

            var parts = r.Message.Value.Split(':');
            (seen.TryGetValue(r.Message.Key, out var list) ? list : seen[r.Message.Key] = []).Add(int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
            total++;
        }

        Assert.Equal(8 * PerSender, total);
        Assert.All(seen.Values, sequence => Assert.Equal(Enumerable.Range(0, PerSender), sequence));
    }

    [Fact]
    public async Task SendAsync_CompletesWithTheResult()
    {
        var topic = await _cluster.CreateNewTopicAsync("pool-async", 1, TestContext.Current.CancellationToken);
        await using var host = ConnectorHost.Create(_cluster);
        await using var pool = host.Api.CreateProducerPool(2);

        var first = await pool.SendAsync(KafkaMessage.FromText(topic, null, "a"), TestContext.Current.CancellationToken);
        var second = await pool.SendAsync(KafkaMessage.FromText(topic, null, "b"), TestContext.Current.CancellationToken);

        Assert.Equal([0L, 1L], new[] { first.Offset, second.Offset }.Order());
    }

    [Fact]
    public async Task CreateProducerPool_SizeBelowOne_Throws()
    {
        await using var host = ConnectorHost.Create(_cluster);

        Assert.Throws<ArgumentOutOfRangeException>(() => host.Api.CreateProducerPool(0));
    }
}

/// <summary>Counts librdkafka's threads, so it runs alone: other tests' clients would blur the count.</summary>
[Collection(SerialTests.Name)]
public sealed class KafkaProducerPoolThreadTests(KafkaFixture fixture)
{
    [Fact]
    public async Task AfterDispose_SendThrows_AndNoProducerThreadIsLeft()
    {
        await using var host = ConnectorHost.Create(fixture.Cluster);
        var before = NativeThreads.Count();
        var pool = host.Api.CreateProducerPool(4);
        Assert.True(NativeThreads.Count() >= before + 4, $"each producer runs librdkafka threads: {before} before, {NativeThreads.Count()} with the pool");

        await pool.DisposeAsync();

        Assert.Throws<ObjectDisposedException>(() => pool.Send(KafkaMessage.FromText("t", null, "late")));
        Assert.Equal(before, NativeThreads.Count());
    }
}
