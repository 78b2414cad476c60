using System.Diagnostics;
using System.Globalization;
using Confluent.Kafka;
using KafkaConnector.Benchmarks.Harness;
using KafkaConnector.Benchmarks.Infrastructure;
using KafkaConnector.Receivers;
using Microsoft.Extensions.DependencyInjection;

namespace KafkaConnector.Benchmarks.Scenarios;

/// <summary>
/// Consuming a pre-filled topic: a raw consume loop against a node whose receiver is registered on
/// the topic. Both start from nothing (no client, no group) and read the topic from the start in a
/// fresh group; both commit what they processed once a second (at-least-once).
/// </summary>
internal sealed class DispatchScenarios(ClientSettings clients, BenchSettings settings)
{
    /// <summary>500k messages of 100 B over 20 partitions stay below the embedded broker's 5 MiB per partition.</summary>
    private const int Partitions = 20;
    private const int SlowKeys = 256;
    private static readonly int[] Parallelism = [1, 4, 16];
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan CommitInterval = TimeSpan.FromSeconds(1);
    /// <summary>
    /// <c>fetch.wait.max.ms</c> on both sides. A node's consumer also reads its broadcast and node
    /// topics, which are empty here: when their offsets are known before the data topic's, the first
    /// fetch holds only empty partitions and the broker keeps it for the whole wait (librdkafka's
    /// 500 ms), so the first data message comes that much later. The raw loop reads one topic full of
    /// data and never waits. Measured with 500 ms in docs/performance.md.
    /// </summary>
    private const int FetchWaitMaxMs = 50;
    private const int BatchSize = 500;
    private const string SlowPanel = "Receivers that take 1 ms per message (raw: one at a time)";

    /// <summary>No-op receivers: what the dispatcher costs on top of the consumer.</summary>
    public async Task RunNoOpAsync(List<ResultRow> rows, List<ResultRow> allocations, CancellationToken cancellationToken)
    {
        var count = settings.DispatchMessages;
        var results = await Alternation.RunAsync(
            "consume/dispatch 100 B",
            settings,
            // The warm-up reads as many messages as a measured run: the dispatch path is tiered up by the
            // JIT meanwhile, and the first repetitions would otherwise pay for it.
            (warmup, ct) => PrefillAsync("dispatch", count, keys: 1024, ct),
            [
                new Side<Prefilled>("raw", (topic, _) => RawLoopAsync(topic, work: null)),
                new Side<Prefilled>("connector", (topic, ct) => NodeAsync(topic, o => { }, clock => new CountingReceiver(clock), ct)),
            ],
            topic => clients.Broker.DeleteTopicsAsync(topic.Name),
            m => string.Create(CultureInfo.InvariantCulture, $"{m["rate"],9:N0} msg/s from start ({m["steady"]:N0} msg/s from the first message, first after {m["first_ms"]:N0} ms), {m["alloc"]:N0} B/msg allocated"),
            warmup: true,
            cancellationToken);
        rows.Add(ProduceScenarios.Throughput("consume/dispatch 100 B, no-op receiver", results, "raw", "connector", "≥ 0.90× raw", 0.90));
        allocations.Add(ProduceScenarios.Allocation("consume/dispatch 100 B, no-op receiver", results, "raw", "connector"));
    }

    /// <summary>
    /// No-op batch receivers (batches of <see cref="BatchSize"/>, or what arrived within 100 ms): what
    /// batch dispatch costs on top of the consumer; same topic, same raw loop as the no-op scenario.
    /// </summary>
    public async Task RunBatchAsync(List<ResultRow> rows, CancellationToken cancellationToken)
    {
        var count = settings.DispatchMessages;
        var results = await Alternation.RunAsync(
            "consume/batch 100 B",
            settings,
            (warmup, ct) => PrefillAsync("batch", count, keys: 1024, ct),
            [
                new Side<Prefilled>("raw", (topic, _) => RawLoopAsync(topic, work: null)),
                new Side<Prefilled>("connector batches", (topic, ct) => NodeAsync(topic, o => { }, clock => new CountingBatchReceiver(clock), ct)),
                new Side<Prefilled>("connector batches, own group", (topic, ct) => NodeAsync(topic, o => { }, clock => new CountingBatchReceiver(clock) { Group = clients.Broker.NewName("batch") }, ct)),
            ],
            topic => clients.Broker.DeleteTopicsAsync(topic.Name),
            m => string.Create(CultureInfo.InvariantCulture, $"{m["rate"],9:N0} msg/s from start ({m["steady"]:N0} msg/s from the first message, first after {m["first_ms"]:N0} ms)"),
            warmup: true,
            cancellationToken);
        rows.Add(ProduceScenarios.Throughput($"consume 100 B, no-op batch receiver ({BatchSize} per batch)", results, "raw", "connector batches", "≥ 0.95× raw", 0.95));
        rows.Add(ProduceScenarios.Throughput($"consume 100 B, no-op batch receiver ({BatchSize} per batch) in a group of its own", results, "raw", "connector batches, own group", "≥ 0.95× raw", 0.95));
    }

    /// <summary>
    /// Receivers that take 1 ms per message, with System:MaxConsumerThreads 1, 4 and 16, against a
    /// raw loop that processes one message at a time. Throughput is measured from the first message
    /// to the last (start-up is the no-op scenario's subject); parallelism P reads P times as many
    /// messages so every run lasts about as long.
    /// </summary>
    public async Task RunParallelAsync(List<ResultRow> rows, CancellationToken cancellationToken)
    {
        // A receiver that waits on a pool thread needs one thread per concurrent message; the pool
        // would otherwise add threads only gradually, and that ramp is not what is measured here.
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 64), io);
        try
        {
            var perSlot = settings.SlowMessagesPerSlot;
            var most = perSlot * Parallelism.Max();
            var results = await Alternation.RunAsync(
                "1 ms receiver",
                settings,
                (warmup, ct) => PrefillAsync("slow", warmup ? Math.Min(most, 2_000) : most, SlowKeys, ct),
                [
                    new Side<Prefilled>("raw", (topic, _) => RawLoopAsync(topic with { Count = Math.Min(topic.Count, perSlot) }, SimulatedWork.OneMillisecondAsync)),
                    .. Parallelism.Select(p => new Side<Prefilled>($"connector P={p}", (topic, ct) => NodeAsync(
                        topic with { Count = Math.Min(topic.Count, perSlot * p) },
                        o => o.System.MaxConsumerThreads = p,
                        clock => new SlowReceiver(clock),
                        ct))),
                    new Side<Prefilled>("connector P=16, blocking", (topic, ct) => NodeAsync(
                        topic with { Count = Math.Min(topic.Count, perSlot) },
                        o => o.System.MaxConsumerThreads = 16,
                        clock => new BlockingReceiver(clock),
                        ct)),
                ],
                topic => clients.Broker.DeleteTopicsAsync(topic.Name),
                m => string.Create(CultureInfo.InvariantCulture, $"{m["steady"],7:N0} msg/s from the first message to the last"),
                warmup: true,
                cancellationToken);
            foreach (var p in Parallelism)
            {
                rows.Add(Scaling($"1 ms receiver, parallelism {p} vs raw sequential", $"connector P={p}", p));
            }

            rows.Add(Scaling("1 ms blocking receiver, parallelism 16 vs raw sequential", "connector P=16, blocking", 16));

            ResultRow Scaling(string scenario, string side, int p) => results.Row(
                scenario,
                ProduceScenarios.Unit,
                RowKind.Throughput,
                "raw",
                side,
                "steady",
                "steady",
                string.Create(CultureInfo.InvariantCulture, $"≥ {0.8 * p:0.0}× raw (80% of linear)"),
                (raw, rate) => rate >= 0.8 * p * raw) with { Panel = SlowPanel };
        }
        finally
        {
            ThreadPool.SetMinThreads(workers, io);
        }
    }

    private async Task<Prefilled> PrefillAsync(string hint, int count, int keys, CancellationToken cancellationToken)
    {
        var topic = await clients.Broker.CreateTopicAsync(hint, Partitions, cancellationToken);
        var keyBytes = Keys.Create(keys);
        var payload = new byte[100];
        using var producer = new ProducerBuilder<byte[], byte[]>(clients.RawProducer()).Build();
        for (var i = 0; i < count; i++)
        {
            while (true)
            {
                try
                {
                    producer.Produce(topic, new Message<byte[], byte[]> { Key = keyBytes[i % keys], Value = payload });
                    break;
                }
                catch (ProduceException<byte[], byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                {
                    producer.Flush(TimeSpan.FromMilliseconds(100));
                }
            }
        }

        if (producer.Flush(Timeout) > 0)
        {
            throw new InvalidOperationException($"Could not pre-fill {topic} within {Timeout}.");
        }

        return new Prefilled(topic, count);
    }

    /// <summary>
    /// The raw loop: consume, process, and every second commit the positions consumed so far (all
    /// processed, since processing is sequential), on a dedicated thread like the dispatcher's.
    /// </summary>
    private Task<Measurement> RawLoopAsync(Prefilled topic, Func<Task>? work) => Waits.OnThread("raw-consumer", () =>
    {
        var clock = new ArrivalClock(topic.Count);
        var start = Stopwatch.GetTimestamp();
        using var consumer = new ConsumerBuilder<byte[], byte[]>(clients.RawConsumer(clients.Broker.NewName("raw"), AutoOffsetReset.Earliest, FetchWaitMaxMs)).Build();
        consumer.Subscribe(topic.Name);
        var sinceCommit = Stopwatch.StartNew();
        var limit = Stopwatch.StartNew();
        while (clock.Count < topic.Count)
        {
            if (limit.Elapsed > Timeout)
            {
                throw new TimeoutException($"The raw consumer read {clock.Count} of {topic.Count} messages in {Timeout}.");
            }

            if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is { IsPartitionEOF: false })
            {
                work?.Invoke().GetAwaiter().GetResult();
                clock.Arrived();
            }

            if (sinceCommit.Elapsed >= CommitInterval)
            {
                Commit(consumer);
                sinceCommit.Restart();
            }
        }

        var measurement = clock.Measure(start);
        Commit(consumer);
        consumer.Close();
        return measurement;
    });

    private static void Commit(IConsumer<byte[], byte[]> consumer)
    {
        try
        {
            consumer.Commit();
        }
        catch (KafkaException e) when (e.Error.Code == ErrorCode.Local_NoOffset)
        {
            // Nothing consumed since the last commit.
        }
    }

    /// <summary>
    /// A node whose receiver is registered on the topic; the clock starts before the host is built
    /// and stops when the receiver has seen every message. The node reads from the start of the
    /// topic (auto.offset.reset=earliest), as the raw loop does.
    /// </summary>
    private async Task<Measurement> NodeAsync(Prefilled topic, Action<KafkaConnector.Configuration.KafkaConnectorOptions> configure, Func<ArrivalClock, object> receiver, CancellationToken cancellationToken)
    {
        var clock = new ArrivalClock(topic.Count);
        var layer = BenchBroker.NewLayer();
        var instance = receiver(clock);
        var start = Stopwatch.GetTimestamp();
        var host = await ConnectorHosts.StartNodeAsync(
            clients,
            layer,
            "n",
            o =>
            {
                o.Consumer["auto.offset.reset"] = "earliest";
                o.Consumer["fetch.wait.max.ms"] = FetchWaitMaxMs.ToString(CultureInfo.InvariantCulture);
                configure(o);
            },
            (services, connector) =>
            {
                services.AddSingleton(instance.GetType(), instance);
                Register(connector, instance, topic.Name);
            },
            cancellationToken);
        try
        {
            await clock.WaitAsync(Timeout);
            return clock.Measure(start);
        }
        finally
        {
            await ConnectorHosts.StopAsync(host, clients.Broker, layer, "n");
        }
    }

    private static void Register(IKafkaConnectorBuilder connector, object instance, string topic)
    {
        switch (instance)
        {
            case CountingBatchReceiver batch:
                connector.AddBatchReceiver<CountingBatchReceiver>(topic, BatchSize, TimeSpan.FromMilliseconds(100), configure: r =>
                {
                    if (batch.Group is { } group)
                    {
                        r.InGroup(group);
                    }
                });
                break;
            case CountingReceiver:
                connector.AddReceiver<CountingReceiver>(topic);
                break;
            case SlowReceiver:
                connector.AddReceiver<SlowReceiver>(topic);
                break;
            case BlockingReceiver:
                connector.AddReceiver<BlockingReceiver>(topic);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(instance), instance.GetType().Name, "Unknown receiver.");
        }
    }

    internal sealed record Prefilled(string Name, int Count);
}
