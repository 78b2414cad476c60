using System.Collections.Concurrent;
using System.Text;
using KafkaConnector.Diagnostics;
using KafkaConnector.Messages;
using KafkaConnector.Receivers;
using KafkaConnector.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace KafkaConnector.Tests.Receivers;

/// <summary>A receiver its error policy stops gets nothing more, shows as stopped, and loses nothing: the next run reads its message again.</summary>
public sealed class StopPolicyTests(KafkaFixture fixture)
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(60);
    private readonly KafkaTestCluster _cluster = fixture.Cluster;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Stop_TheReceiverGetsNothingMore_ReadinessIsUnhealthyNamingIt_AndTheNextRunReadsTheMessageAgain()
    {
        var topic = await _cluster.CreateNewTopicAsync("stop", 2, Ct);
        var layer = NodeHost.NewLayer();
        var stopping = new PoisonReceiver(failOnPoison: true);
        var node = await NodeHost.StartAsync(_cluster, layer, "n",
            b => b.AddReceiver<PoisonReceiver>(topic, configure: r => r.OnError(KafkaErrorPolicy.Retry(1, TimeSpan.FromMilliseconds(10)).ThenStop())).AddKafkaHealthChecks(),
            services: s => s.AddSingleton(stopping));
        var status = node.Host.Services.GetRequiredService<IKafkaConnectorStatus>();

        foreach (var value in new[] { "before", "poison", "after-0" })
        {
            await node.Api.ProduceAsync(Message(topic, 0, value), Ct);
        }

        await Eventually.UntilAsync(() => status.GetDispatcherStatus().StoppedReceivers.Contains(nameof(PoisonReceiver)), WaitLimit,
            () => $"the receiver stopped; it got [{string.Join(',', stopping.Values)}]", Ct);
        await node.Api.ProduceAsync(Message(topic, 1, "after-1"), Ct);
        // Partition 1 is held too once its message reached the stopped receiver, which refused it.
        await Eventually.UntilAsync(() => status.GetDispatcherStatus().HeldPartitions == 2, WaitLimit,
            () => $"both partitions held; held {status.GetDispatcherStatus().HeldPartitions}", Ct);
        Dictionary<int, long> committed = [];
        await Eventually.UntilAsync(() => (committed = CommittedOffsets.Read(_cluster, layer, "n", topic, 2))[0] == 1, WaitLimit,
            () => $"partition 0 committed up to the failed message; committed [{string.Join(',', committed)}]", Ct);

        Assert.Equal(["before", "poison", "poison"], stopping.Values); // the failed message and its retry; nothing after
        Assert.InRange(committed[1], -1, 0);
        var readiness = await node.Host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(c => c.Name == "kafka-receivers", Ct);
        var entry = readiness.Entries["kafka-receivers"];
        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Contains($"Receivers stopped by their error policy: {nameof(PoisonReceiver)}", entry.Description, StringComparison.Ordinal);

        await node.DisposeAsync();
        var next = new PoisonReceiver(failOnPoison: false);
        await using var restarted = await NodeHost.StartAsync(_cluster, layer, "n", b => b.AddReceiver<PoisonReceiver>(topic), services: s => s.AddSingleton(next));

        await Eventually.UntilAsync(() => next.Values.Count == 3, WaitLimit, () => $"the three messages not finished before; got [{string.Join(',', next.Values)}]", Ct);
        Assert.Equal(["poison", "after-0"], next.Received.Where(m => m.Partition == 0).Select(m => m.ValueAsString()));
        Assert.Equal(["after-1"], next.Received.Where(m => m.Partition == 1).Select(m => m.ValueAsString()));
    }

    private static KafkaMessage Message(string topic, int partition, string value) =>
        new(topic, "k"u8.ToArray(), Encoding.UTF8.GetBytes(value)) { Partition = partition };

    private sealed class PoisonReceiver(bool failOnPoison) : IKafkaMessageReceiver
    {
        public ConcurrentQueue<KafkaMessage> Received { get; } = new();

        public List<string> Values => [.. Received.Select(m => m.ValueAsString()!)];

        public Task ReceiveAsync(KafkaMessage message, CancellationToken cancellationToken)
        {
            Received.Enqueue(message);
            return failOnPoison && message.ValueAsString() == "poison" ? throw new InvalidOperationException("cannot go on") : Task.CompletedTask;
        }
    }
}
