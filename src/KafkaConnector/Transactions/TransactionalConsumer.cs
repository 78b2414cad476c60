using System.Globalization;
using Confluent.Kafka;
using KafkaConnector.Configuration;
using KafkaConnector.Diagnostics;
using KafkaConnector.Engine;
using KafkaConnector.Messages;
using KafkaConnector.Producers;
using KafkaConnector.Receivers;
using Microsoft.Extensions.Logging;

namespace KafkaConnector.Transactions;

/// <summary>
/// One transactional receiver at work: its own transactional producer and its own consumer, on a
/// thread of its own. The producer registers the <c>transactional.id</c> first (fencing a previous
/// incarnation of this node and aborting what it left open), then the consumer subscribes and the
/// <see cref="TransactionLoop"/> runs in the engine's <see cref="PollLoop"/>. Stop is bounded: the
/// message in progress gets the budget, then its token fires; a finished batch commits; the
/// consumer leaves its group.
/// </summary>
internal sealed class TransactionalConsumer : IDisposable
{
    /// <summary>How long one transaction call blocks before it is tried again.</summary>
    internal static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(10);

    private readonly TransactionalReceiverDescriptor _receiver;
    private readonly string _transactionalId;
    private readonly KafkaClientFactory _clients;
    private readonly IReadOnlyList<string> _topics;
    private readonly Func<KafkaMessage, IKafkaTransactionalOutput, CancellationToken, Task> _receive;
    private readonly TransactionMetrics _metrics;
    private readonly KafkaConnectorMetrics _connectorMetrics;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stopPolling = new();
    private readonly CancellationTokenSource _abandon = new();
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Thread? _thread;
    private volatile TransactionLoop? _loop;
    private volatile bool _ready;
    private volatile Error? _fatal;
    private long _finishTicks = TimeSpan.FromSeconds(10).Ticks;

    public TransactionalConsumer(
        TransactionalReceiverDescriptor receiver,
        string nodeId,
        IReadOnlyList<string> topics,
        KafkaClientFactory clients,
        Func<KafkaMessage, IKafkaTransactionalOutput, CancellationToken, Task> receive,
        TransactionMetrics metrics,
        KafkaConnectorMetrics connectorMetrics,
        ILogger logger,
        TimeProvider time)
    {
        _receiver = receiver;
        _transactionalId = receiver.TransactionalId(nodeId);
        _topics = topics;
        _clients = clients;
        _receive = receive;
        _metrics = metrics;
        _connectorMetrics = connectorMetrics;
        _logger = logger;
        _time = time;
    }

    public string TransactionalId => _transactionalId;

    public KafkaTransactionalReceiverStatus Status() =>
        new(_receiver.Name, _receiver.GroupId, _transactionalId, _ready, _ended.Task.IsCompleted, Describe(_fatal ?? _loop?.FatalError), _loop?.IsStopped ?? false)
        {
            CommittedTransactions = _loop?.Committed ?? 0,
            AbortedTransactions = _loop?.Aborted ?? 0,
        };

    public void Start()
    {
        _thread = new Thread(Run) { IsBackground = true, Name = "kafka-txn-" + _receiver.Name };
        _thread.Start();
    }

    /// <summary>Stops polling; the message in progress gets <paramref name="bound"/> to finish, then its token fires.</summary>
    public async Task StopAsync(TimeSpan bound, CancellationToken cancellationToken)
    {
        Volatile.Write(ref _finishTicks, bound.Ticks);
        await _stopPolling.CancelAsync().ConfigureAwait(false);
        if (await Ended(bound, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        TransactionLog.StopTimedOut(_logger, _receiver.Name, bound);
        await _abandon.CancelAsync().ConfigureAwait(false);
        var margin = TimeSpan.FromSeconds(2); // the abort and the consumer's close
        if (!await Ended(margin, cancellationToken).ConfigureAwait(false))
        {
            _connectorMetrics.CallbackFailed("transaction.stop");
            TransactionLog.CloseTimedOut(_logger, _receiver.Name, bound + margin);
        }
    }

    public void Dispose()
    {
        // A thread that outlived its stop bound still uses the tokens: leave them to the GC then.
        if (_ended.Task.IsCompleted)
        {
            _stopPolling.Dispose();
            _abandon.Dispose();
        }
    }

    private static string? Describe(Error? error) => error is null ? null : $"{error.Code} {error.Reason}";

    private async Task<bool> Ended(TimeSpan within, CancellationToken cancellationToken)
    {
        try
        {
            await _ended.Task.WaitAsync(within, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private void Run()
    {
        IProducer<byte[], byte[]>? producer = null;
        IConsumer<byte[], byte[]>? consumer = null;
        try
        {
            var options = _clients.Options;
            producer = _clients.CreateProducer(overrides:
            [
                new("transactional.id", _transactionalId),
                new("enable.idempotence", "true"),
                new("transaction.timeout.ms", ((long)_receiver.Options.TransactionTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)),
            ]);
            var calls = new TransactionCalls(producer, (what, e) => TransactionLog.CallRetrying(_logger, _receiver.Name, what, e.Error.Code, e.Error.Reason));
            if (!calls.Initialize(CallTimeout, _stopPolling.Token))
            {
                _fatal = calls.FatalError; // null: stopped while the coordinator could not be reached
                LogFatal(calls.FatalError);
                return;
            }

            var sender = new MessageSender(_logger, _connectorMetrics, options.ProduceQueueFullTimeout);
            TransactionLoop? loop = null; // the rebalance callbacks run inside Consume, once the loop exists
            consumer = _clients.CreateConsumer(
                _receiver.GroupId,
                [
                    new("isolation.level", "read_committed"),
                    new("enable.auto.commit", "false"),
                    new("enable.auto.offset.store", "false"),
                ],
                configure: builder => builder
                    .SetPartitionsAssignedHandler((_, partitions) => loop?.OnAssigned(partitions))
                    .SetPartitionsRevokedHandler((_, partitions) => loop?.OnRevoked([.. partitions.Select(p => p.TopicPartition)], lost: false))
                    .SetPartitionsLostHandler((_, partitions) => loop?.OnRevoked([.. partitions.Select(p => p.TopicPartition)], lost: true)),
                onError: (_, error) =>
                {
                    if (error.IsFatal)
                    {
                        loop?.ReportFatal(error);
                    }
                });
            var policy = (_receiver.Options.ErrorPolicy ?? KafkaErrorPolicy.Default(options.Dispatch)).WithBackoffsFrom(options.Dispatch);
            var settings = new TransactionLoopSettings(
                options.System.PollInterval, CallTimeout, options.Dispatch.DeadLetterTopicSuffix, options.Dispatch.RetryBackoff, options.Dispatch.MaxRetryBackoff);
            var transactional = producer;
            _loop = loop = new TransactionLoop(
                _receiver, policy, consumer, new ConsumerPauser(consumer), calls, () => new TransactionalOutput(transactional, sender), _receive,
                settings, _metrics, _logger, _time, _abandon.Token);
            consumer.Subscribe(_topics);
            _ready = true;
            TransactionLog.Started(_logger, _receiver.Name, string.Join(',', _topics), _receiver.GroupId, _transactionalId);
            PollLoop.Run(consumer, loop, _stopPolling.Token);
            loop.Finish(TimeSpan.FromTicks(Volatile.Read(ref _finishTicks)));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The receiver's thread must never take the process down: record, log and report unhealthy.
            var error = new Error((e as KafkaException)?.Error.Code ?? ErrorCode.Unknown, e.Message);
            _fatal ??= error;
            LogFatal(error);
        }
        finally
        {
            _ready = false;
            if (consumer is not null)
            {
                PollLoop.Close(consumer, commit: static () => { }, reason => TransactionLog.CloseFailed(_logger, _receiver.Name, reason));
            }

            producer?.Dispose();
            TransactionLog.Stopped(_logger, _receiver.Name);
            _ended.TrySetResult();
        }
    }

    private void LogFatal(Error? error)
    {
        if (error is not null)
        {
            _metrics.Fatal(_receiver.Name, error.Code.ToString());
            TransactionLog.Fatal(_logger, _receiver.Name, error.Code, error.Reason, TransactionCalls.IsFenced(error) ? ": fenced" : "");
        }
    }
}
