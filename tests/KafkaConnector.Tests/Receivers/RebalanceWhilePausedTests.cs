using System.Diagnostics.Metrics;
using KafkaConnector.Configuration;
using KafkaConnector.Messages;
using KafkaConnector.EmbeddedKafka;
using KafkaConnector.Testing;
using KafkaConnector.Tests.Diagnostics;
using KafkaConnector.Tests.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KafkaConnector.Tests.Receivers;

/// <summary>
/// Partitions the dispatcher paused for back-pressure resume after any rebalance: librdkafka keeps a
/// partition's pause across revoke and assign, and incremental assignments leave kept partitions as they were.
/// </summary>
public sealed class RebalanceWhilePausedTests(KafkaFixture fixture)
{
    private const int Count = 30;
    private const string PausedGauge = "kafkaconnector.dispatch.paused_partitions";
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(30);
    private readonly KafkaTestCluster _cluster = fixture.Cluster;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(GroupProtocols.Eager)]
    [InlineData(GroupProtocols.CooperativeSticky)]
    [InlineData(GroupProtocols.Consumer)]
    public async Task ReceiverRegisteredAtRuntime_WhilePaused_ThePausedPartitionsResume(string protocol)
    {
        var topic = await _cluster.CreateNewTopicAsync("paused-resub", 2, Ct);
        var added = await _cluster.CreateNewTopicAsync("added", 1, Ct);
        var gated = new GatedReceiver();
        var node = await NodeHost.StartAsync(_cluster, NodeHost.NewLayer(), "n",
            b => b.AddReceiver<GatedReceiver>(topic), o => Configure(o, protocol, _cluster), s => s.AddSingleton(gated));
        IDisposable? registration = null;
        try
        {
            using var metrics = new MetricRecorder(node.Host.Services.GetRequiredService<IMeterFactory>());
            await PauseAsync(node, topic, gated, metrics);

            var runtime = new RecordingReceiver();
            registration = node.Api.RegisterReceiver(runtime, added);
            await Eventually.UntilAsync(
                () =>
                {
                    node.Api.Enqueue(KafkaMessage.FromText(added, "probe", "probe"));
                    return !runtime.Received.IsEmpty;
                },
                WaitLimit,
                () => "the runtime receiver's new topic to be assigned (the rebalance)",
                Ct);

            await AssertResumesAsync(node, gated);
        }
        finally
        {
            await node.DisposeAsync();
            registration?.Dispose(); // after the stop: ending it earlier re-subscribes once more
        }
    }

    [Theory]
    [InlineData(GroupProtocols.Eager)]
    [InlineData(GroupProtocols.Consumer)]
    public async Task SessionLostDuringBrokerOutage_WhilePaused_ThePausedPartitionsResume(string protocol)
    {
        await using var embedded = EmbeddedKafkaCluster.Start();
        await using var cluster = KafkaTestCluster.ForEmbedded(embedded); // its own broker: this test takes it down
        var topic = await cluster.CreateNewTopicAsync("paused-outage", 2, Ct);
        var gated = new GatedReceiver();
        var log = new CapturedLog();
        await using var node = await NodeHost.StartAsync(cluster, NodeHost.NewLayer(), "n",
            b => b.AddReceiver<GatedReceiver>(topic),
            o => Configure(o, protocol, cluster),
            s => s.AddSingleton(gated).AddSingleton<ILoggerProvider>(log));
        using var metrics = new MetricRecorder(node.Host.Services.GetRequiredService<IMeterFactory>());
        await PauseAsync(node, topic, gated, metrics);
        await SessionOutage.RunAsync(embedded, log, WaitLimit, Ct);
        await AssertResumesAsync(node, gated);
    }

    internal static void Configure(KafkaConnectorOptions options, string protocol, KafkaTestCluster cluster)
    {
        GroupProtocols.Apply(protocol, options.Consumer, cluster);
        options.Dispatch.MaxInFlight = 20; // partition 0 pauses at 10, below the total, so other topics keep flowing
        options.System.MaxConsumerThreads = 16; // more than the 10 keys the gate holds: the new topic gets a slot
        options.Dispatch.RevocationTimeout = TimeSpan.FromMilliseconds(300);
    }

    /// <summary>Fills partition 0 with work the gated receiver holds until it pauses.</summary>
    private static async Task PauseAsync(NodeHost node, string topic, GatedReceiver gated, MetricRecorder metrics)
    {
        await using (var pool = node.Api.CreateProducerPool(1))
        {
            for (var i = 0; i < Count; i++)
            {
                pool.Send(new KafkaMessage(topic, System.Text.Encoding.UTF8.GetBytes($"k{i % 5}"), System.Text.Encoding.UTF8.GetBytes(i.ToString(System.Globalization.CultureInfo.InvariantCulture))) { Partition = 0 });
            }
        }

        double paused = 0;
        await Eventually.UntilAsync(() => (paused = metrics.Observe(PausedGauge)) > 0, WaitLimit, () => $"the gated topic's partitions to pause; paused {paused}, receiver entered {gated.Entered} time(s)", Ct);
    }

    /// <summary>After the rebalance, releasing the receiver lets every message through, and the node's own topic still delivers.</summary>
    private static async Task AssertResumesAsync(NodeHost node, GatedReceiver gated)
    {
        gated.Open();
        await Eventually.UntilAsync(() => gated.Finished.Count == Count, WaitLimit,
            () => $"all {Count} messages of the partitions paused before the rebalance; got {gated.Finished.Count}: [{string.Join(',', gated.Finished.Keys.Order(StringComparer.Ordinal))}]", Ct);
        // Answered ("no handler"), not timed out: the node's own topic flows.
        await Assert.ThrowsAsync<KafkaConnector.Cluster.KafkaClusterRequestFailedException>(() => node.Cluster.RequestAsync("n", "unknown-operation", null, TimeSpan.FromSeconds(20), Ct));
    }
}
