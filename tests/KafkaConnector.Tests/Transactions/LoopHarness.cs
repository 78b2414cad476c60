using Confluent.Kafka;
using KafkaConnector.Configuration;
using KafkaConnector.Diagnostics;
using KafkaConnector.Engine;
using KafkaConnector.Messages;
using KafkaConnector.Producers;
using KafkaConnector.Receivers;
using KafkaConnector.Tests.Diagnostics;
using KafkaConnector.Transactions;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace KafkaConnector.Tests.Transactions;

/// <summary>
/// A <see cref="TransactionLoop"/> over a <see cref="FakeLog"/> and a <see cref="FakeTransactionalProducer"/>,
/// run by the engine's <see cref="PollLoop"/> until a condition holds. The receiver writes
/// <c>&lt;value&gt;!</c> to <c>out</c> and throws what <see cref="Throws"/> says.
/// </summary>
internal sealed class LoopHarness : IDisposable
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    private readonly TestMeterFactory _meters = new();
    private readonly CancellationTokenSource _abandon = new();

    public LoopHarness(KafkaErrorPolicy policy, int batch, TimeSpan? duration = null, params string[][] partitions)
    {
        (Consumer, Log) = FakeLog.Create(Time, partitions);
        (var producer, Producer) = FakeTransactionalProducer.Create();
        var options = new KafkaTransactionalReceiverOptions { MaxBatchSize = batch, MaxBatchDuration = duration ?? TimeSpan.FromHours(1), TransactionTimeout = TimeSpan.FromHours(2) };
        var descriptor = new TransactionalReceiverDescriptor(typeof(LoopHarness), KafkaTopicFilter.Parse(FakeLog.Topic), "g", options);
        var metrics = new KafkaConnectorMetrics(_meters);
        var sender = new MessageSender(NullLogger.Instance, metrics, TimeSpan.FromSeconds(1));
        var dispatch = new KafkaDispatchOptions { RetryBackoff = TimeSpan.FromMilliseconds(200), MaxRetryBackoff = TimeSpan.FromSeconds(1) };
        Loop = new TransactionLoop(
            descriptor,
            policy.WithBackoffsFrom(dispatch),
            Consumer,
            Log,
            new TransactionCalls(producer, (_, _) => { }),
            () => new TransactionalOutput(producer, sender),
            ReceiveAsync,
            new TransactionLoopSettings(PollInterval, TimeSpan.FromSeconds(1), ".DLT", TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1)),
            new TransactionMetrics(metrics),
            NullLogger.Instance,
            Time,
            _abandon.Token);
        Loop.OnAssigned([.. Log.Partitions.Keys.Select(FakeLog.Partition)]);
    }

    public FakeTimeProvider Time { get; } = new();

    public IConsumer<byte[], byte[]> Consumer { get; }

    public FakeLog Log { get; }

    public FakeTransactionalProducer Producer { get; }

    public TransactionLoop Loop { get; }

    /// <summary>Every call of the receiver, by value, in order.</summary>
    public List<string> Received { get; } = [];

    /// <summary>What the receiver throws for a value on its n-th call of that value (1 for the first), or null.</summary>
    public Func<string, int, Exception?> Throws { get; set; } = (_, _) => null;

    /// <summary>Fires the receivers' token (a stop past its budget).</summary>
    public void Abandon() => _abandon.Cancel();

    /// <summary>Polls until <paramref name="done"/> holds or the loop ends by itself; fails after <paramref name="maxPolls"/>.</summary>
    public void RunUntil(Func<bool> done, int maxPolls = 2000)
    {
        using var stop = new CancellationTokenSource();
        var handler = new Until(Loop, () => done() || maxPolls-- <= 0, stop);
        PollLoop.Run(Consumer, handler, stop.Token);
        Assert.True(maxPolls > 0, $"the condition did not hold within the polls allowed; producer calls: {string.Join(" | ", Producer.Transactions())}");
    }

    public void Dispose()
    {
        _abandon.Dispose();
        _meters.Dispose();
    }

    private Task ReceiveAsync(KafkaMessage message, IKafkaTransactionalOutput output, CancellationToken cancellationToken)
    {
        var value = message.ValueAsString()!;
        Received.Add(value);
        output.Enqueue(KafkaMessage.FromText("out", null, value + "!"));
        if (Throws(value, Received.Count(v => v == value)) is { } error)
        {
            throw error;
        }

        return Task.CompletedTask;
    }

    /// <summary>The loop as the poll handler, stopping the poll loop once a condition holds after a poll.</summary>
    private sealed class Until(TransactionLoop loop, Func<bool> done, CancellationTokenSource stop) : IPollHandler
    {
        public TimeSpan PollTimeout => loop.PollTimeout;

        public bool BeforePoll() => loop.BeforePoll();

        public bool OnMessage(ConsumeResult<byte[], byte[]> result) => loop.OnMessage(result);

        public bool OnConsumeError(ConsumeException error) => loop.OnConsumeError(error);

        public void AfterPoll()
        {
            loop.AfterPoll();
            if (done())
            {
                stop.Cancel();
            }
        }
    }
}
