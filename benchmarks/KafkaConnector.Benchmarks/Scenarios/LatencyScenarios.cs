using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using Confluent.Kafka;
using KafkaConnector.Benchmarks.Harness;
using KafkaConnector.Benchmarks.Infrastructure;
using KafkaConnector.Cluster;
using KafkaConnector.Messages;
using KafkaConnector.Receivers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace KafkaConnector.Benchmarks.Scenarios;

/// <summary>
/// End-to-end latency at a fixed rate: from the moment the sender calls produce (the timestamp
/// travels in the payload) to the moment the receiving code runs. Raw: a producer and a consumer
/// loop on one topic. Connector: node a sends to node b (direct: b's node topic; broadcast: the
/// layer's topic) and b's receiver takes the reading. Both sides: linger.ms=0 (no batching delay),
/// acks=all, idempotence, fetch.wait.max.ms=5, the same partition count.
/// </summary>
internal sealed class LatencyScenarios(ClientSettings clients, BenchSettings settings)
{
    public const int Rate = 500;
    public const int LingerMs = 0;

    /// <summary>
    /// The embedded broker answers an empty fetch only after fetch.wait.max.ms, even when data
    /// arrives meanwhile (a real broker answers at once): this bounds the latency floor there.
    /// </summary>
    public const int FetchWaitMaxMs = 5;

    private const int Partitions = 16;
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);
    private readonly byte[][] _keys = Keys.Create(64);

    public async Task RunAsync(List<ResultRow> rows, CancellationToken cancellationToken)
    {
        var results = await Alternation.RunAsync(
            string.Create(CultureInfo.InvariantCulture, $"latency at {Rate} msg/s"),
            settings,
            (warmup, _) => Task.FromResult(warmup ? Math.Min(200, settings.LatencyMessages) : settings.LatencyMessages),
            [
                new Side<int>("raw", (count, ct) => RawAsync(count, ct)),
                new Side<int>("connector", (count, ct) => NodesAsync(count, ct)),
            ],
            _ => Task.CompletedTask,
            m => string.Join(", ", m.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key} {p.Value:0.00} ms"))),
            warmup: true,
            cancellationToken);

        foreach (var kind in new[] { "direct", "broadcast" })
        {
            foreach (var percentile in new[] { "p50", "p99" })
            {
                rows.Add(results.Row(
                    $"latency node to node, {(kind == "direct" ? "direct (SendToNodeAsync)" : "broadcast (BroadcastAsync)")} vs raw produce→consume",
                    $"ms ({percentile}, lower is better)",
                    RowKind.Latency,
                    "raw",
                    "connector",
                    percentile,
                    $"{kind}_{percentile}",
                    percentile == "p99" ? "≤ 1.2× raw" : "-",
                    percentile == "p99" ? (raw, connector) => connector <= 1.2 * raw : null));
            }
        }
    }

    private async Task<Measurement> RawAsync(int count, CancellationToken cancellationToken)
    {
        var topic = await clients.Broker.CreateTopicAsync("latency", Partitions, cancellationToken);
        var recorder = new LatencyRecorder();
        var assigned = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = new CancellationTokenSource();
        var consumerLoop = Waits.OnThread("raw-latency-consumer", () =>
        {
            using var consumer = new ConsumerBuilder<byte[], byte[]>(clients.RawConsumer(clients.Broker.NewName("latency"), AutoOffsetReset.Earliest, FetchWaitMaxMs))
                .SetPartitionsAssignedHandler((_, _) => assigned.TrySetResult())
                .Build();
            consumer.Subscribe(topic);
            while (!stop.IsCancellationRequested)
            {
                if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is { IsPartitionEOF: false } result)
                {
                    recorder.Record(result.Message.Value);
                }
            }

            consumer.Close();
        });

        try
        {
            await Waits.ForAsync(assigned.Task, Timeout, () => "the raw consumer's partitions");
            var failed = 0L;
            Action<DeliveryReport<byte[], byte[]>> handler = report =>
            {
                if (report.Error.IsError)
                {
                    Interlocked.Increment(ref failed);
                }
            };
            using var producer = new ProducerBuilder<byte[], byte[]>(clients.RawProducer(LingerMs)).Build();
            var measurement = new Measurement();
            await PhaseAsync(recorder, count, i => producer.Produce(topic, new Message<byte[], byte[]> { Key = _keys[i % _keys.Length], Value = Stamp() }, handler), measurement, "");
            producer.Flush(Timeout);
            return failed == 0 ? measurement : throw new InvalidOperationException($"{failed} message(s) were not delivered: the run is not valid.");
        }
        finally
        {
            await stop.CancelAsync();
            await consumerLoop;
            await clients.Broker.DeleteTopicsAsync(topic);
        }
    }

    private async Task<Measurement> NodesAsync(int count, CancellationToken cancellationToken)
    {
        var layer = BenchBroker.NewLayer();
        var recorder = new LatencyRecorder();
        void Configure(KafkaConnector.Configuration.KafkaConnectorOptions o)
        {
            clients.Apply(o, LingerMs, FetchWaitMaxMs);
            o.System.MaxConsumerThreads = Partitions;
        }

        var receiving = await ConnectorHosts.StartNodeAsync(clients, layer, "b", Configure, (services, connector) =>
        {
            services.AddSingleton(new LatencyReceiver(recorder));
            connector.AddReceiver<LatencyReceiver>("{node}").AddReceiver<LatencyReceiver>("{broadcast}");
        }, cancellationToken);
        IHost? sending = null;
        try
        {
            sending = await ConnectorHosts.StartNodeAsync(clients, layer, "a", Configure, build: null, cancellationToken);
            var a = sending.Services.GetRequiredService<IKafkaCluster>();
            await Waits.ForAsync(Task.WhenAll(a.WaitUntilReadyAsync(cancellationToken), receiving.Services.GetRequiredService<IKafkaCluster>().WaitUntilReadyAsync(cancellationToken)), Timeout, () => "both nodes to be ready");

            var measurement = new Measurement();
            var sends = new List<Task<KafkaDeliveryResult>>(count * 2);
            await PhaseAsync(recorder, count, i => sends.Add(a.SendToNodeAsync("b", _keys[i % _keys.Length], Stamp(), cancellationToken: cancellationToken)), measurement, "direct_");
            await PhaseAsync(recorder, count, i => sends.Add(a.BroadcastAsync(_keys[i % _keys.Length], Stamp(), cancellationToken: cancellationToken)), measurement, "broadcast_");
            await Task.WhenAll(sends);
            return measurement;
        }
        finally
        {
            if (sending is not null)
            {
                await ConnectorHosts.StopAsync(sending, clients.Broker, layer, "a");
            }

            await ConnectorHosts.StopAsync(receiving, clients.Broker, layer, "b");
        }
    }

    /// <summary>A warm-up of its own, then <paramref name="count"/> messages paced at <see cref="Rate"/>; records p50 and p99.</summary>
    private async Task PhaseAsync(LatencyRecorder recorder, int count, Action<int> send, Measurement into, string prefix)
    {
        var warmup = settings.LatencyWarmup;
        recorder.Reset(warmup);
        await Pace(warmup, send);
        await recorder.WaitAsync(Timeout);
        recorder.Reset(count);
        await Pace(count, send);
        await recorder.WaitAsync(Timeout);
        var (p50, p99) = recorder.Percentiles();
        into[prefix + "p50"] = p50;
        into[prefix + "p99"] = p99;
    }

    /// <summary>Sends on a fixed schedule (message i is due at i / rate), on a thread of its own.</summary>
    private static Task Pace(int count, Action<int> send) => Waits.OnThread("pacer", () =>
    {
        var interval = Stopwatch.Frequency / Rate;
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < count; i++)
        {
            var due = start + (i * interval);
            while (Stopwatch.GetTimestamp() < due)
            {
                Thread.Sleep(1);
            }

            send(i);
        }
    });

    private static byte[] Stamp()
    {
        var payload = new byte[100];
        BinaryPrimitives.WriteInt64LittleEndian(payload, Stopwatch.GetTimestamp());
        return payload;
    }
}

/// <summary>Latencies of one phase, recorded from any thread.</summary>
internal sealed class LatencyRecorder
{
    private double[] _samples = [];
    private int _count;
    private int _written;
    private TaskCompletionSource _done = new();

    public void Reset(int expected)
    {
        _samples = new double[expected];
        _done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _written, 0);
        Volatile.Write(ref _count, 0);
    }

    public void Record(ReadOnlySpan<byte> payload)
    {
        var latency = Stopwatch.GetElapsedTime(BinaryPrimitives.ReadInt64LittleEndian(payload)).TotalMilliseconds;
        var samples = _samples;
        var i = Interlocked.Increment(ref _count) - 1;
        if (i < samples.Length)
        {
            samples[i] = latency;
            if (Interlocked.Increment(ref _written) == samples.Length)
            {
                _done.TrySetResult();
            }
        }
    }

    public Task WaitAsync(TimeSpan timeout) => Waits.ForAsync(_done.Task, timeout, () => $"{_samples.Length} messages, got {Volatile.Read(ref _count)}");

    public (double P50, double P99) Percentiles()
    {
        var sorted = _samples.Order().ToArray();
        return (Stats.Percentile(sorted, 50), Stats.Percentile(sorted, 99));
    }
}

/// <summary>Takes the latency reading of every message it gets.</summary>
internal sealed class LatencyReceiver(LatencyRecorder recorder) : IKafkaMessageReceiver
{
    public Task ReceiveAsync(KafkaMessage message, CancellationToken cancellationToken)
    {
        recorder.Record(message.Value);
        return Task.CompletedTask;
    }
}
