using System.Diagnostics;
using System.Globalization;
using Confluent.Kafka;
using KafkaConnector.Benchmarks.Harness;
using KafkaConnector.Benchmarks.Infrastructure;
using KafkaConnector.Messages;
using KafkaConnector.Producers;
using Microsoft.Extensions.DependencyInjection;

namespace KafkaConnector.Benchmarks.Scenarios;

/// <summary>
/// Produce throughput: messages per second from the first send until the last delivery report
/// (the callback of the last message), after a warm-up whose reports are awaited first. Every
/// message has a key (1024 distinct keys) and a callback on both sides. The same runs count the
/// bytes the process allocates per message between the two clock readings.
/// </summary>
internal sealed class ProduceScenarios(ClientSettings clients, BenchSettings settings)
{
    /// <summary>The connector's back-off when the client's queue is full (MessageSender), used by the raw loop too.</summary>
    private static readonly TimeSpan QueueFullBackoff = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);
    private const int Partitions = 16;
    private const int Senders = 8;
    private static readonly int[] PoolSizes = [1, 2, 4, 8];
    private readonly byte[][] _keys = Keys.Create(1024);

    public async Task RunAsync(List<ResultRow> rows, List<ResultRow> allocations, CancellationToken cancellationToken)
    {
        foreach (var (size, label, count) in new[] { (100, "100 B", settings.ProduceMessages100B), (1024, "1 KiB", settings.ProduceMessages1KiB) })
        {
            var payload = Payload(size);
            var single = await Alternation.RunAsync(
                $"produce {label}",
                settings,
                (_, ct) => clients.Broker.CreateTopicAsync("produce", Partitions, ct),
                [
                    new Side<string>("raw", (topic, _) => RawAsync(topic, payload, count, senders: 1)),
                    new Side<string>("connector", (topic, _) => ConnectorAsync(topic, payload, count)),
                ],
                topic => clients.Broker.DeleteTopicsAsync(topic),
                Describe,
                warmup: false,
                cancellationToken);
            rows.Add(Throughput($"produce {label}, 1 sender", single, "raw", "connector", "≥ 0.95× raw", 0.95));
            allocations.Add(Allocation($"produce {label}", single, "raw", "connector"));

            var pools = await Alternation.RunAsync(
                $"produce {label}, {Senders} senders",
                settings,
                (_, ct) => clients.Broker.CreateTopicAsync("produce-pool", Partitions, ct),
                [
                    new Side<string>("raw", (topic, _) => RawAsync(topic, payload, count, Senders)),
                    .. PoolSizes.Select(n => new Side<string>($"pool {n}", (topic, _) => PoolAsync(topic, payload, count, n))),
                ],
                topic => clients.Broker.DeleteTopicsAsync(topic),
                Describe,
                warmup: false,
                cancellationToken);
            var singleProducer = pools.Median("pool 1", "rate");
            foreach (var n in PoolSizes)
            {
                rows.Add(pools.Row(
                    $"produce {label}, {Senders} senders, pool of {n}",
                    Unit,
                    RowKind.Throughput,
                    "raw",
                    $"pool {n}",
                    "rate",
                    "rate",
                    n == 1 ? "reference (1 producer)" : "≥ pool of 1",
                    n == 1 ? null : (_, rate) => rate >= singleProducer) with { Panel = FastPanel });
            }
        }
    }

    /// <summary>The chart panel of the produce and consume figures.</summary>
    internal const string FastPanel = "Produce and consume/dispatch";

    internal const string Unit = "msg/s (higher is better)";

    internal static ResultRow Throughput(string scenario, SideResults results, string raw, string connector, string target, double minimumRatio) =>
        results.Row(scenario, Unit, RowKind.Throughput, raw, connector, "rate", "rate", target, (r, c) => c >= minimumRatio * r) with { Panel = FastPanel };

    /// <summary>The target: at most one small object (taken as 64 B) more than the raw client per message.</summary>
    internal static ResultRow Allocation(string scenario, SideResults results, string raw, string connector) =>
        results.Row($"{scenario}, allocated per message", "B/msg (lower is better)", RowKind.Allocation, raw, connector, "alloc", "alloc", "≤ raw + 64 B", (r, c) => c <= r + 64);

    private static string Describe(Measurement m) =>
        string.Create(CultureInfo.InvariantCulture, $"{m["rate"],9:N0} msg/s, {m["alloc"],5:N0} B/msg allocated, {m["gen0"]:N0} gen0 GCs") +
        (m.TryGetValue("queue_full", out var waits) ? string.Create(CultureInfo.InvariantCulture, $", {waits:N0} queue-full waits") : "");

    private async Task<Measurement> RawAsync(string topic, byte[] payload, int count, int senders)
    {
        var counter = new DeliveryCounter();
        var queueFull = 0L;
        Action<DeliveryReport<byte[], byte[]>> handler = report => counter.Report(report.Error.IsError);
        using var producer = new ProducerBuilder<byte[], byte[]>(clients.RawProducer()).Build();
        var measurement = await MeasureAsync(counter, count, senders, i =>
        {
            var message = new Message<byte[], byte[]> { Key = _keys[i & 1023], Value = payload };
            while (true)
            {
                try
                {
                    producer.Produce(topic, message, handler);
                    return;
                }
                catch (ProduceException<byte[], byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                {
                    Interlocked.Increment(ref queueFull);
                    Thread.Sleep(QueueFullBackoff);
                }
            }
        });
        measurement["queue_full"] = queueFull;
        return measurement;
    }

    private async Task<Measurement> ConnectorAsync(string topic, byte[] payload, int count)
    {
        var counter = new DeliveryCounter();
        Action<KafkaDeliveryResult> callback = result => counter.Report(!result.IsSuccess);
        var provider = ConnectorHosts.CreateApi(clients);
        await using (provider)
        {
            var api = provider.GetRequiredService<IKafkaConnectorSystemApi>();
            var measurement = await MeasureAsync(counter, count, senders: 1, i => api.Enqueue(new KafkaMessage(topic, _keys[i & 1023], payload), callback));
            return measurement; // queue-full waits happen inside the connector: not observable here
        }
    }

    private async Task<Measurement> PoolAsync(string topic, byte[] payload, int count, int size)
    {
        var counter = new DeliveryCounter();
        Action<KafkaDeliveryResult> callback = result => counter.Report(!result.IsSuccess);
        var provider = ConnectorHosts.CreateApi(clients);
        await using (provider)
        {
            IKafkaProducerPool pool = provider.GetRequiredService<IKafkaConnectorSystemApi>().CreateProducerPool(size);
            await using (pool)
            {
                return await MeasureAsync(counter, count, Senders, i => pool.Send(new KafkaMessage(topic, _keys[i & 1023], payload), callback));
            }
        }
    }

    /// <summary>
    /// Warm-up sends (awaited), a full GC, then <paramref name="count"/> sends split over
    /// <paramref name="senders"/> dedicated threads released together; the clock stops at the last report.
    /// </summary>
    private async Task<Measurement> MeasureAsync(DeliveryCounter counter, int count, int senders, Action<int> send)
    {
        var warmup = settings.ProduceWarmup;
        for (var i = 0; i < warmup; i++)
        {
            send(i);
        }

        await counter.WaitForAsync(warmup, Timeout);
        var perSender = count / senders;
        var total = perSender * senders;
        using var gate = new ManualResetEventSlim();
        var threads = Enumerable.Range(0, senders).Select(s => Waits.OnThread($"sender-{s}", () =>
        {
            gate.Wait();
            for (var i = s * perSender; i < (s + 1) * perSender; i++)
            {
                send(i);
            }
        })).ToList();

        Alternation.FullCollect();
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var collections = GC.CollectionCount(0);
        var start = Stopwatch.GetTimestamp();
        gate.Set();
        await counter.WaitForAsync(warmup + total, Timeout);
        var elapsed = Stopwatch.GetElapsedTime(start);
        allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        await Task.WhenAll(threads);
        if (counter.Failed > 0)
        {
            throw new InvalidOperationException($"{counter.Failed} message(s) were not delivered: the run is not valid.");
        }

        return new Measurement
        {
            ["rate"] = total / elapsed.TotalSeconds,
            ["alloc"] = (double)allocated / total,
            ["gen0"] = GC.CollectionCount(0) - collections,
        };
    }

    private static byte[] Payload(int size)
    {
        var payload = new byte[size];
        for (var i = 0; i < size; i++)
        {
            payload[i] = (byte)('a' + (i % 26));
        }

        return payload;
    }
}
