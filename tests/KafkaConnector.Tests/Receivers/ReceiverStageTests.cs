using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text;
using KafkaConnector.Messages;
using KafkaConnector.Receivers;
using KafkaConnector.Receivers.Pipeline;
using KafkaConnector.Testing;
using KafkaConnector.Tests.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace KafkaConnector.Tests.Receivers;

/// <summary>A stage of the application's own, on a real node.</summary>
public sealed class ReceiverStageTests(KafkaFixture fixture)
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(60);
    private readonly KafkaTestCluster _cluster = fixture.Cluster;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AUserStage_SeesEveryMessage_AndCanShortCircuitOrWrapTheReceiver()
    {
        var topic = await _cluster.CreateNewTopicAsync("stage", 2, Ct);
        var layer = NodeHost.NewLayer();
        var audit = new Audit();
        var receiver = new PickyReceiver();
        await using var node = await NodeHost.StartAsync(_cluster, layer, "n",
            b => b.AddReceiver<PickyReceiver>(topic).AddReceiverStage<AuditStage>(),
            services: s => s.AddSingleton(audit).AddSingleton(receiver));
        using var metrics = new MetricRecorder(node.Host.Services.GetRequiredService<IMeterFactory>());
        string[] values = ["ok-0", "skip-0", "swallow-0", "ok-1", "ok-2", "skip-1", "swallow-1", "ok-3", "ok-4", "ok-5"];

        for (var i = 0; i < values.Length; i++)
        {
            await node.Api.ProduceAsync(new KafkaMessage(topic, Encoding.UTF8.GetBytes($"k{i}"), Encoding.UTF8.GetBytes(values[i])) { Partition = i % 2 }, Ct);
        }

        Dictionary<int, long> committed = [];
        await Eventually.UntilAsync(() => (committed = CommittedOffsets.Read(_cluster, layer, "n", topic, 2)).Values.Sum() == values.Length, WaitLimit,
            () => $"all {values.Length} messages finished and committed; committed [{string.Join(',', committed)}], the stage saw [{string.Join(',', audit.Seen)}]", Ct);

        Assert.Equal(values.Order(StringComparer.Ordinal), audit.Seen.Order(StringComparer.Ordinal));
        Assert.Equal(values.Where(v => !v.StartsWith("skip", StringComparison.Ordinal)).Order(StringComparer.Ordinal), receiver.Received.Order(StringComparer.Ordinal));
        Assert.Equal(["swallow-0", "swallow-1"], audit.Caught.Order(StringComparer.Ordinal));
        Assert.Equal(0, metrics.Sum("kafkaconnector.dispatch.failed")); // what the stage caught is not a failure
        Assert.Equal(0, metrics.Sum("kafkaconnector.dispatch.dead_lettered"));
    }

    private sealed class Audit
    {
        public ConcurrentQueue<string> Seen { get; } = new();

        public ConcurrentQueue<string> Caught { get; } = new();
    }

    /// <summary>Sees every message; answers <c>skip-*</c> itself; turns the receiver's failure on <c>swallow-*</c> into a success.</summary>
    private sealed class AuditStage(Audit audit) : IKafkaReceiverStage
    {
        public async ValueTask InvokeAsync(KafkaReceiveContext context, KafkaReceiveHandler nextHandler)
        {
            var value = context.Message.ValueAsString()!;
            audit.Seen.Enqueue(value);
            if (value.StartsWith("skip", StringComparison.Ordinal))
            {
                return;
            }

            try
            {
                await nextHandler(context);
            }
            catch (InvalidDataException) when (value.StartsWith("swallow", StringComparison.Ordinal))
            {
                audit.Caught.Enqueue(value);
            }
        }
    }

    private sealed class PickyReceiver : IKafkaMessageReceiver
    {
        public ConcurrentQueue<string> Received { get; } = new();

        public Task ReceiveAsync(KafkaMessage message, CancellationToken cancellationToken)
        {
            var value = message.ValueAsString()!;
            Received.Enqueue(value);
            return value.StartsWith("swallow", StringComparison.Ordinal) ? throw new InvalidDataException("not for me") : Task.CompletedTask;
        }
    }
}
