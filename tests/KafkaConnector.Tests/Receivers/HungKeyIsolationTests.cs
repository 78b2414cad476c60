using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text;
using KafkaConnector.Cluster;
using KafkaConnector.Messages;
using KafkaConnector.Receivers;
using KafkaConnector.Testing;
using KafkaConnector.Tests.Cluster;
using KafkaConnector.Tests.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace KafkaConnector.Tests.Receivers;

/// <summary>A receiver hung on one busy key holds back that key and at most its partition; the rest of the node goes on.</summary>
public sealed class HungKeyIsolationTests(KafkaFixture fixture)
{
    private const int MaxInFlight = 20;
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(30);
    private readonly KafkaTestCluster _cluster = fixture.Cluster;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ReceiverHungOnABusyKey_OtherKeysPartitionsMembershipAndRequestsKeepWorking_MemoryBounded()
    {
        var topic = await _cluster.CreateNewTopicAsync("hung-key", 2, Ct);
        var layer = NodeHost.NewLayer();
        var receiver = new HangsOnKeyReceiver("stuck");
        await using var a = await NodeHost.StartAsync(_cluster, layer, "a",
            b => b.AddReceiver<HangsOnKeyReceiver>(topic).AddRequestHandler<EchoHandler>("echo"),
            o => o.Dispatch.MaxInFlight = MaxInFlight,
            s => s.AddSingleton(receiver));
        await using var b = await NodeHost.StartAsync(_cluster, layer, "b");
        using var metrics = new MetricRecorder(a.Host.Services.GetRequiredService<IMeterFactory>());
        var dispatcher = a.Host.Services.GetRequiredService<KafkaDispatchers>().Node;

        // Partition 0: the busy key hangs first, other keys of the partition come right behind it.
        await a.Api.ProduceAsync(Message(topic, 0, "stuck", "stuck-0"), Ct);
        await receiver.Hung.Task.WaitAsync(WaitLimit, Ct);
        for (var i = 0; i < 3; i++) // fewer than the partition's share of the in-flight limit (10)
        {
            await a.Api.ProduceAsync(Message(topic, 0, $"other-{i}", $"p0-{i}"), Ct);
        }

        await Eventually.UntilAsync(() => receiver.Values.Count(v => v.StartsWith("p0-", StringComparison.Ordinal)) == 3, WaitLimit,
            () => $"the other keys of the hung key's partition; got [{string.Join(',', receiver.Values)}]", Ct);

        // Then the busy key piles up far past the in-flight limit.
        await using (var pool = a.Api.CreateProducerPool(1))
        {
            for (var i = 1; i <= 10 * MaxInFlight; i++)
            {
                pool.Send(Message(topic, 0, "stuck", $"stuck-{i}"));
            }
        }

        double paused = 0;
        await Eventually.UntilAsync(() => (paused = metrics.Observe("kafkaconnector.dispatch.paused_partitions")) > 0, WaitLimit,
            () => $"the hung key's partition to pause; paused {paused}, in flight {dispatcher.InFlight}", Ct);

        // Other partitions still flow.
        for (var i = 0; i < 50; i++)
        {
            await a.Api.ProduceAsync(Message(topic, 1, $"key-{i % 7}", $"p1-{i}"), Ct);
        }

        await Eventually.UntilAsync(() => receiver.Values.Count(v => v.StartsWith("p1-", StringComparison.Ordinal)) == 50, WaitLimit,
            () => $"the 50 messages of the other partition; got {receiver.Values.Count(v => v.StartsWith("p1-", StringComparison.Ordinal))}, in flight {dispatcher.InFlight}", Ct);

        // Requests and replies flow both ways, and membership stays past the member timeout.
        var toA = await b.Cluster.RequestAsync("a", "echo", "ping"u8.ToArray(), TimeSpan.FromSeconds(10), Ct);
        Assert.Equal("ping", toA.ValueAsString());
        await Assert.ThrowsAsync<KafkaClusterRequestFailedException>(() => a.Cluster.RequestAsync("b", "echo", null, TimeSpan.FromSeconds(10), Ct));
        var since = DateTimeOffset.UtcNow;
        await Eventually.UntilAsync(
            () => a.Cluster.Members.Any(m => m.NodeId == "b" && m.LastSeen > since + TimeSpan.FromSeconds(3))
                && b.Cluster.Members.Any(m => m.NodeId == "a" && m.LastSeen > since + TimeSpan.FromSeconds(3)),
            WaitLimit,
            () => $"both nodes to keep hearing each other past the 3 s member timeout; a sees [{string.Join(',', a.Cluster.Members.Select(m => $"{m.NodeId}@{m.LastSeen:HH:mm:ss.fff}"))}], b sees [{string.Join(',', b.Cluster.Members.Select(m => $"{m.NodeId}@{m.LastSeen:HH:mm:ss.fff}"))}]",
            Ct);

        // Memory stays bounded: the hung key's backlog stays in the broker, not in the node.
        Assert.InRange(dispatcher.InFlight, 1, MaxInFlight);
        Assert.DoesNotContain(receiver.Values, v => v.StartsWith("stuck-", StringComparison.Ordinal));
    }

    private static KafkaMessage Message(string topic, int partition, string key, string value) =>
        new(topic, Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(value)) { Partition = partition };

    private sealed class HangsOnKeyReceiver(string hungKey) : IKafkaMessageReceiver
    {
        public TaskCompletionSource Hung { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ConcurrentQueue<string> Values { get; } = new();

        public async Task ReceiveAsync(KafkaMessage message, CancellationToken cancellationToken)
        {
            if (message.KeyAsString() == hungKey)
            {
                Hung.TrySetResult();
                await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false); // hangs until the node stops
            }

            Values.Enqueue(message.ValueAsString()!);
        }
    }
}
