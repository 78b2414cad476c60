using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using KafkaConnector.Cluster;
using KafkaConnector.Diagnostics;
using KafkaConnector.Messages;
using KafkaConnector.Receivers;
using KafkaConnector.EmbeddedKafka;
using KafkaConnector.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace KafkaConnector.Tests.Diagnostics;

public sealed class ObservabilityTests(KafkaFixture fixture)
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(60);
    private readonly KafkaTestCluster _cluster = fixture.Cluster;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Metrics_CountProduceAndDispatch_ForAKnownWorkload()
    {
        var topic = await _cluster.CreateNewTopicAsync("metrics", 1, Ct);
        await using var node = await NodeHost.StartAsync(_cluster, NodeHost.NewLayer(), "n",
            b => b.AddReceiver<FailOnBadReceiver>(topic),
            o => o.Dispatch.MaxRetries = 1);
        using var recorder = new MetricRecorder(node.Host.Services.GetRequiredService<IMeterFactory>());

        for (var i = 0; i < 5; i++)
        {
            await node.Api.ProduceAsync(KafkaMessage.FromText(topic, "k", "good"), Ct);
        }

        await node.Api.ProduceAsync(KafkaMessage.FromText(topic, "k", "bad"), Ct);
        await Eventually.UntilAsync(() => recorder.Sum("kafkaconnector.dispatch.dead_lettered") == 1, WaitLimit, () => $"one dead letter; {recorder}", Ct);

        Assert.Equal(5, recorder.Sum("messaging.client.consumed.messages", topic));
        Assert.Equal(2, recorder.Sum("kafkaconnector.dispatch.failed", topic)); // the first try and the one retry
        Assert.Equal(1, recorder.Sum("kafkaconnector.dispatch.retried", topic));
        Assert.Equal(7, recorder.Count("messaging.process.duration", topic)); // 5 successes + 2 failed attempts
        Assert.Equal(6, recorder.Sum("messaging.client.sent.messages", topic));
        Assert.Equal(6, recorder.Sum("kafkaconnector.producer.delivered", topic));
        Assert.Equal(6, recorder.Count("messaging.client.operation.duration", topic));
        Assert.Equal(1, recorder.Sum("kafkaconnector.producer.delivered", topic + ".DLT"));
        Assert.All(recorder.Tags("kafkaconnector.dispatch.failed"), tags =>
        {
            Assert.Equal(nameof(FailOnBadReceiver), tags["kafkaconnector.receiver"]);
            Assert.Equal("n", tags["kafkaconnector.node"]);
            Assert.Equal(nameof(InvalidOperationException), tags["error.type"]);
        });
    }

    [Fact]
    public async Task Gauges_ReportInFlightMessages_WhileAReceiverIsBusy()
    {
        var topic = await _cluster.CreateNewTopicAsync("inflight", 1, Ct);
        var gate = new GateReceiver();
        await using var node = await NodeHost.StartAsync(_cluster, NodeHost.NewLayer(), "n", b => b.AddReceiver<GateReceiver>(topic), services: s => s.AddSingleton(gate));
        using var recorder = new MetricRecorder(node.Host.Services.GetRequiredService<IMeterFactory>());

        for (var i = 0; i < 3; i++)
        {
            await node.Api.ProduceAsync(KafkaMessage.FromText(topic, $"k{i}", "x"), Ct);
        }

        await Eventually.UntilAsync(() => recorder.Observe("kafkaconnector.dispatch.in_flight") == 3, WaitLimit, () => $"3 in flight, saw {recorder.Observe("kafkaconnector.dispatch.in_flight")}", Ct);
        gate.Open.SetResult();
        await Eventually.UntilAsync(() => recorder.Observe("kafkaconnector.dispatch.in_flight") == 0, WaitLimit, () => "none in flight", Ct);
    }

    [Fact]
    public void ConsumerLag_ComesFromLibrdkafkaStatistics()
    {
        using var factory = new TestMeterFactory();
        var metrics = new KafkaConnector.Diagnostics.KafkaConnectorMetrics(factory);
        metrics.RecordStatistics("""
            {"name":"c","topics":{"orders":{"topic":"orders","partitions":{
              "0":{"partition":0,"consumer_lag":42},
              "1":{"partition":1,"consumer_lag":-1},
              "-1":{"partition":-1,"consumer_lag":-1}}}}}
            """);

        var lag = MetricRecorder.ObserveAll("messaging.kafka.consumer.lag", metrics.Meter);

        var single = Assert.Single(lag);
        Assert.Equal(42, single.Value);
        Assert.Equal("orders", single.Tags["messaging.destination.name"]);
        Assert.Equal(0, single.Tags["messaging.destination.partition.id"]);
    }

    [Fact]
    public async Task Trace_RunsFromProduceToReceiver_WithTraceparentInTheHeaders()
    {
        var topic = await _cluster.CreateNewTopicAsync("trace", 1, Ct);
        var receiver = new ActivityCapturingReceiver();
        using var spans = new SpanRecorder();
        await using var node = await NodeHost.StartAsync(_cluster, NodeHost.NewLayer(), "n", b => b.AddReceiver<ActivityCapturingReceiver>(topic), services: s => s.AddSingleton(receiver));
        using var parent = spans.TestSource.StartActivity("checkout")!;
        parent.AddBaggage("tenant", "acme");

        await node.Api.ProduceAsync(KafkaMessage.FromText(topic, "k", "traced"), Ct);
        parent.Stop();

        await Eventually.UntilAsync(() => !receiver.Seen.IsEmpty, WaitLimit, () => "the traced message", Ct);
        var (traceId, parentSpan, baggage, headers) = receiver.Seen.Single();
        Assert.Equal(parent.TraceId, traceId);
        var publish = Assert.Single(spans.Completed, s => s.OperationName == $"{topic} publish");
        var process = Assert.Single(spans.Completed.Where(s => s.TraceId == parent.TraceId), s => s.OperationName == $"{topic} process");
        Assert.Equal(parent.SpanId, publish.ParentSpanId);
        Assert.Equal(publish.SpanId, process.ParentSpanId);
        Assert.Equal(process.SpanId, parentSpan);
        Assert.Equal(ActivityKind.Producer, publish.Kind);
        Assert.Equal(ActivityKind.Consumer, process.Kind);
        Assert.Equal("acme", baggage);
        Assert.StartsWith($"00-{parent.TraceId}-{publish.SpanId}-", headers, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Trace_RequestAndReply_StayInOneTraceAcrossNodes()
    {
        using var spans = new SpanRecorder();
        var layer = NodeHost.NewLayer();
        await using var a = await NodeHost.StartAsync(_cluster, layer, "a");
        await using var b = await NodeHost.StartAsync(_cluster, layer, "b", n => n.AddRequestHandler<TraceEchoHandler>("trace"));
        await Eventually.UntilAsync(() => a.Cluster.Members.Any(m => m.NodeId == "b"), WaitLimit, () => "a to see b", Ct);
        using var parent = spans.TestSource.StartActivity("ask-b")!;

        var reply = await a.Cluster.RequestAsync("b", "trace", null, cancellationToken: Ct);
        parent.Stop();

        Assert.Equal(parent.TraceId.ToString(), reply.ValueAsString()); // the handler on b ran inside the caller's trace
        await Eventually.UntilAsync(
            () => spans.Completed.Count(s => s.TraceId == parent.TraceId && s.Kind == ActivityKind.Producer) >= 2,
            WaitLimit,
            () => "the request and the reply publish spans",
            Ct);
        var inTrace = spans.Completed.Where(s => s.TraceId == parent.TraceId).ToList();
        Assert.Contains(inTrace, s => s.OperationName == $"hyperiot_layer_{layer}_b publish");
        Assert.Contains(inTrace, s => s.OperationName == $"hyperiot_layer_{layer}_b process");
        Assert.Contains(inTrace, s => s.OperationName == $"hyperiot_layer_{layer}_a publish");
    }

    [Fact]
    public async Task BrokerStatus_ReportsUnreachableWhenTheBrokerIsDown_AndRecovers()
    {
        await using var embedded = EmbeddedKafkaCluster.Start();
        await using var cluster = KafkaTestCluster.ForEmbedded(embedded); // its own broker: this test takes it down
        await using var node = await NodeHost.StartAsync(cluster, NodeHost.NewLayer(), "n");
        var status = node.Host.Services.GetRequiredService<IKafkaConnectorStatus>();

        var before = await status.GetBrokerStatusAsync(Ct);
        Assert.True(before.IsReachable, before.Error);
        Assert.Equal(1, before.BrokerCount);
        Assert.True(status.GetDispatcherStatus() is { IsRunning: true, HasStopped: false, IsStalled: false, FatalError: null });

        embedded.SetBrokerDown(EmbeddedKafkaCluster.AllBrokers);
        var down = await status.GetBrokerStatusAsync(Ct);
        Assert.False(down.IsReachable);
        Assert.NotNull(down.Error);

        embedded.SetBrokerUp(EmbeddedKafkaCluster.AllBrokers);
        KafkaBrokerStatus? after = null;
        await Eventually.UntilAsync(
            () =>
            {
                after = status.GetBrokerStatusAsync(Ct).GetAwaiter().GetResult();
                return after.IsReachable;
            },
            WaitLimit,
            () => $"brokers reachable again, saw error '{after?.Error}'",
            Ct);
    }

    [Fact]
    public async Task DispatcherStatus_CountsDeadLettersInARow_PerReceiver()
    {
        var topic = await _cluster.CreateNewTopicAsync("sick", 1, Ct);
        await using var node = await NodeHost.StartAsync(_cluster, NodeHost.NewLayer(), "n",
            b => b.AddReceiver<FailOnBadReceiver>(topic),
            o => o.Dispatch.MaxRetries = 0);
        var status = node.Host.Services.GetRequiredService<IKafkaConnectorStatus>();

        for (var i = 0; i < 3; i++)
        {
            await node.Api.ProduceAsync(KafkaMessage.FromText(topic, "k", "bad"), Ct);
        }

        IReadOnlyDictionary<string, int>? seen = null;
        await Eventually.UntilAsync(
            () =>
            {
                seen = status.GetDispatcherStatus().ConsecutiveDeadLetters;
                return seen.TryGetValue(nameof(FailOnBadReceiver), out var count) && count == 3;
            },
            WaitLimit,
            () => $"3 dead letters in a row for {nameof(FailOnBadReceiver)}, saw [{string.Join(", ", seen?.Select(p => $"{p.Key}={p.Value}") ?? [])}]",
            Ct);
    }

    private sealed class FailOnBadReceiver : IKafkaMessageReceiver
    {
        public Task ReceiveAsync(KafkaMessage message, CancellationToken cancellationToken) =>
            message.ValueAsString() == "bad" ? throw new InvalidOperationException("bad message") : Task.CompletedTask;
    }

    private sealed class GateReceiver : IKafkaMessageReceiver
    {
        public TaskCompletionSource Open { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task ReceiveAsync(KafkaMessage message, CancellationToken cancellationToken) => Open.Task;
    }

    private sealed class ActivityCapturingReceiver : IKafkaMessageReceiver
    {
        public ConcurrentQueue<(ActivityTraceId TraceId, ActivitySpanId SpanId, string? Baggage, string Traceparent)> Seen { get; } = new();

        public Task ReceiveAsync(KafkaMessage message, CancellationToken cancellationToken)
        {
            var current = Activity.Current!;
            Seen.Enqueue((current.TraceId, current.SpanId, current.GetBaggageItem("tenant"), message.HeaderAsString("traceparent")!));
            return Task.CompletedTask;
        }
    }

    private sealed class TraceEchoHandler : IKafkaRequestHandler
    {
        public Task<byte[]?> HandleAsync(KafkaMessage request, CancellationToken cancellationToken) =>
            Task.FromResult<byte[]?>(System.Text.Encoding.UTF8.GetBytes(Activity.Current?.TraceId.ToString() ?? "none"));
    }
}
