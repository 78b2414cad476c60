using System.Reflection;
using Confluent.Kafka;
using KafkaConnector.Engine;
using Microsoft.Extensions.Time.Testing;

namespace KafkaConnector.Tests.Transactions;

/// <summary>
/// An <see cref="IConsumer{TKey, TValue}"/> over an in-memory log of topic <c>in</c>: <c>Consume</c>
/// returns the next message of the first partition that has one and is not paused (a poll that
/// finds none lets <see cref="Time"/> pass by its timeout), <c>Seek</c> moves a position, and queued
/// rebalances run inside <c>Consume</c>, as librdkafka runs its callbacks. No broker, no librdkafka.
/// </summary>
public class FakeLog : DispatchProxy, IPartitionPauser
{
    public const string Topic = "in";

    private readonly Queue<Action> _rebalances = new();

    public Dictionary<int, List<string>> Partitions { get; } = [];

    public Dictionary<int, long> Positions { get; } = [];

    public HashSet<TopicPartition> Paused { get; } = [];

    public List<TopicPartitionOffset> Seeks { get; } = [];

    public FakeTimeProvider Time { get; private set; } = new();

    /// <summary>Messages handed out, as <c>partition@offset</c>.</summary>
    public List<string> Delivered { get; } = [];

    public static (IConsumer<byte[], byte[]> Consumer, FakeLog Log) Create(FakeTimeProvider time, params string[][] partitions)
    {
        var consumer = Create<IConsumer<byte[], byte[]>, FakeLog>();
        var log = (FakeLog)(object)consumer;
        log.Time = time;
        for (var p = 0; p < partitions.Length; p++)
        {
            log.Partitions[p] = [.. partitions[p]];
            log.Positions[p] = 0;
        }

        return (consumer, log);
    }

    public static TopicPartition Partition(int partition) => new(Topic, partition);

    /// <summary>Runs <paramref name="rebalance"/> inside the next <c>Consume</c>.</summary>
    public void RebalanceOnNextPoll(Action rebalance) => _rebalances.Enqueue(rebalance);

    public void Pause(IReadOnlyList<TopicPartition> partitions) => Paused.UnionWith(partitions);

    public void Resume(IReadOnlyList<TopicPartition> partitions) => Paused.ExceptWith(partitions);

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        switch (targetMethod?.Name)
        {
            case "Consume" when args is [TimeSpan timeout]:
                return Consume(timeout);
            case "Seek" when args is [TopicPartitionOffset position]:
                Seeks.Add(position);
                Positions[position.Partition.Value] = position.Offset.Value;
                return null;
            case "get_ConsumerGroupMetadata":
                return null; // the fake producer takes it as it comes
            case "Close" or "Dispose":
                return null;
            default:
                throw new NotSupportedException($"The fake log does not serve {targetMethod}.");
        }
    }

    private ConsumeResult<byte[], byte[]>? Consume(TimeSpan timeout)
    {
        while (_rebalances.TryDequeue(out var rebalance))
        {
            rebalance();
        }

        foreach (var (partition, values) in Partitions)
        {
            var position = Positions[partition];
            if (position < values.Count && !Paused.Contains(Partition(partition)))
            {
                Positions[partition] = position + 1;
                Delivered.Add($"{partition}@{position}");
                return new ConsumeResult<byte[], byte[]>
                {
                    TopicPartitionOffset = new TopicPartitionOffset(Topic, partition, position),
                    Message = new Message<byte[], byte[]> { Key = null!, Value = System.Text.Encoding.UTF8.GetBytes(values[(int)position]), Headers = [] },
                };
            }
        }

        Time.Advance(timeout);
        return null;
    }
}

/// <summary>
/// A transactional <see cref="IProducer{TKey, TValue}"/> that records its calls as text
/// (<c>begin</c>, <c>produce out:v!</c>, <c>offsets in[0]@3</c>, <c>commit</c>, <c>abort</c>) and throws
/// what <see cref="Fail"/> queued for a call. Deliveries succeed at once.
/// </summary>
public class FakeTransactionalProducer : DispatchProxy
{
    private readonly Dictionary<string, Queue<Exception>> _failures = [];

    public List<string> Calls { get; } = [];

    public List<(string Topic, Message<byte[], byte[]> Message)> Produced { get; } = [];

    public static (IProducer<byte[], byte[]> Producer, FakeTransactionalProducer Fake) Create()
    {
        var producer = Create<IProducer<byte[], byte[]>, FakeTransactionalProducer>();
        return (producer, (FakeTransactionalProducer)(object)producer);
    }

    /// <summary>The next call of <paramref name="method"/> (<c>CommitTransaction</c>, say) throws <paramref name="error"/>.</summary>
    public FakeTransactionalProducer Fail(string method, Exception error)
    {
        if (!_failures.TryGetValue(method, out var queue))
        {
            _failures[method] = queue = new Queue<Exception>();
        }

        queue.Enqueue(error);
        return this;
    }

    /// <summary>The calls since the last <c>commit</c> or <c>abort</c> ended, grouped per transaction.</summary>
    public List<string> Transactions() =>
        [.. string.Join(" ", Calls).Split(["commit", "abort"], StringSplitOptions.None).Select(t => t.Trim()).Where(t => t.Length > 0)];

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        var name = targetMethod!.Name;
        if (_failures.TryGetValue(name, out var queue) && queue.TryDequeue(out var error))
        {
            Calls.Add("failed " + name);
            throw error;
        }

        switch (name)
        {
            case "InitTransactions":
                Calls.Add("init");
                return null;
            case "BeginTransaction":
                Calls.Add("begin");
                return null;
            case "Produce" when args is [var destination, Message<byte[], byte[]> message, Action<DeliveryReport<byte[], byte[]>> report]:
                var topic = destination is TopicPartition tp ? tp.Topic : (string)destination!;
                Calls.Add($"produce {topic}:{System.Text.Encoding.UTF8.GetString(message.Value)}");
                Produced.Add((topic, message));
                report?.Invoke(new DeliveryReport<byte[], byte[]> { TopicPartitionOffset = new TopicPartitionOffset(topic, 0, Calls.Count), Message = message, Status = PersistenceStatus.Persisted, Error = new Error(ErrorCode.NoError) });
                return null;
            case "SendOffsetsToTransaction" when args is [IEnumerable<TopicPartitionOffset> offsets, _, _]:
                Calls.Add("offsets " + string.Join(",", offsets.OrderBy(o => o.Partition.Value).Select(o => $"{o.Topic}[{o.Partition.Value}]@{o.Offset.Value}")));
                return null;
            case "CommitTransaction":
                Calls.Add("commit");
                return null;
            case "AbortTransaction":
                Calls.Add("abort");
                return null;
            case "get_Name":
                return "fake";
            case "Dispose":
                return null;
            default:
                throw new NotSupportedException($"The fake producer does not serve {targetMethod}.");
        }
    }
}
