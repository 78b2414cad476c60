using System.Diagnostics;
using Confluent.Kafka;
using KafkaConnector.Cluster;
using KafkaConnector.Configuration;
using KafkaConnector.Diagnostics;
using KafkaConnector.Engine;
using KafkaConnector.Receivers.Pipeline;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KafkaConnector.Receivers;

/// <summary>
/// One consumer of the node and the receivers it calls (<see cref="DispatchScope"/>): in the node's
/// own group its system topics and every receiver without a group; in a receiver group, that group's
/// receivers, whose partitions the nodes registering them share (<see cref="KafkaDispatchers"/>).
/// <list type="bullet">
/// <item>At-least-once: auto commit is off; a partition's offset is committed only when every
/// matching receiver finished that message and all earlier ones (<see cref="PartitionTracker"/>).</item>
/// <item>Order per key: messages of one partition and key run one at a time, in offset order;
/// different keys run in parallel, up to <c>System:MaxConsumerThreads</c> (<see cref="KeyedWorkScheduler{TItem}"/>).</item>
/// <item>Bounded: at <c>Dispatch:MaxInFlight</c> messages the partitions pause; the consumer keeps
/// polling, so it stays in its group, and resumes at half. A rebalance never leaves it paused.</item>
/// <item>Failures go through the receiver's error policy (<see cref="ReceiverPipeline"/>): by default
/// retried with backoff, then written to the dead-letter topic, then committed. A policy may hold a
/// partition (<see cref="PartitionHolds"/>): the poll thread pauses it and reads it again after the hold (<see cref="NodeHolds"/>).</item>
/// <item>Stop is bounded by <c>ShutdownTimeout</c>, even when a receiver hangs.</item>
/// </list>
/// </summary>
internal sealed partial class KafkaDispatcher : IHostedService, IDisposable, IPollHandler
{
    private static readonly TimeSpan PausedPollInterval = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// How long the poll thread waits for a full partition to drain before it pauses it. Pausing makes
    /// librdkafka drop the messages it fetched ahead, and after a resume it fetches nothing for up to a
    /// second: worth it for a slow or hung key, not for receivers that merely run behind the poll loop.
    /// </summary>
    private static readonly TimeSpan PauseGrace = TimeSpan.FromSeconds(1);

    private readonly KafkaClientFactory _clients;
    private readonly ReceiverRegistry _registry;
    private readonly SystemTopicProvisioning _provisioning;
    private readonly ReceiverInvoker? _invoker;
    private readonly IClusterTrafficHandler _cluster;
    private readonly KafkaConnectorMetrics _metrics;
    private readonly ILogger _logger;
    private readonly KafkaConnectorOptions _options;
    private readonly ConsumptionControl _control;
    private readonly DispatchScope? _scope;
    private readonly CancellationTokenSource _stopPolling = new();
    private readonly CancellationTokenSource _hardStop = new();
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConsumerAssignment? _assignment;
    private readonly PartitionHolds? _holds;
    private readonly NodeHolds? _nodeHolds;
    private readonly ReceiverRouter? _router;
    private readonly DispatchWork? _work;
    private readonly Func<int> _inFlight;
    private readonly NodeSubscription _subscription;
    private readonly Stopwatch _sinceCommit = new();
    private KeyedWorkScheduler<DispatchWork.Item>? _scheduler;
    private BatchCollector? _batches;
    private ConsumerPauser? _pauser;
    private NodeRebalanceHandler? _rebalance;
    private Thread? _pollThread;
    private IConsumer<byte[], byte[]>? _consumer;
    private volatile bool _resubscribe;
    private volatile Error? _fatal;
    private long _lastPollTicks;
    private long _drainTimeoutTicks;

    /// <param name="services">What the node's dispatchers share.</param>
    /// <param name="scope">The group and receivers this dispatcher consumes for, or null when the node has no identity (then it runs nothing).</param>
    public KafkaDispatcher(DispatcherServices services, DispatchScope? scope)
    {
        _clients = services.Clients;
        _registry = services.Registry;
        _cluster = services.Cluster;
        _metrics = services.Metrics;
        _logger = services.LoggerFactory.CreateLogger("KafkaConnector.Dispatcher");
        _options = _clients.Options;
        _scope = scope;
        _control = services.Control;
        _provisioning = new SystemTopicProvisioning(services.Provisioner, services.Api, _options, _logger);
        _inFlight = () => InFlight;
        _subscription = new NodeSubscription(scope);
        if (scope is not null)
        {
            // A slow key may fill half the budget with its partition (a smaller share throttles healthy partitions: measured in docs/performance.md); the node's own topics never pause.
            Func<TopicPartition, bool> own = scope.IsOwnTopic;
            var flow = new FlowController(_options.Dispatch.MaxInFlight, Math.Max(1, _options.Dispatch.MaxInFlight / 2), own);
            _assignment = new ConsumerAssignment(flow, _hardStop.Token);
            flow.Suspend(IsSuspended);
            _holds = new PartitionHolds(own);
            _nodeHolds = new NodeHolds(_holds, _assignment, _logger);
            _invoker = new ReceiverInvoker(services.Api, services.Services, _options, _metrics, scope.Topics.NodeId, _logger, _holds);
            _work = new DispatchWork(_invoker, _metrics, _logger);
            _router = new ReceiverRouter(_registry, scope, scope.IsNode ? _cluster : null, _options.Dispatch.DeadLetterTopicSuffix, _metrics, _logger);
        }
    }

    /// <summary>The group and receivers this dispatcher consumes for; null when the node has no identity.</summary>
    internal DispatchScope? Scope => _scope;

    /// <summary>Whether the dispatcher runs (the node has an identity).</summary>
    internal bool IsRunning => _pollThread is not null;

    /// <summary>Messages read and not yet finished.</summary>
    internal int InFlight => _work?.InFlight ?? 0;

    /// <summary>The fatal consumer error that stopped the dispatcher, if any.</summary>
    internal Error? FatalError => _fatal;

    /// <summary>Whether the consumer is in its group: for the node's, once its broadcast and node topics were assigned; for a receiver group, after its first assignment.</summary>
    internal bool IsReady => _rebalance?.IsReady ?? false;

    /// <summary>Whether the poll loop has ended (stopped, or a fatal error).</summary>
    internal bool HasStopped => _stopped.Task.IsCompleted;

    /// <summary>How long ago the poll loop last polled (a stuck loop grows this).</summary>
    internal TimeSpan SinceLastPoll => TimeSpan.FromMilliseconds(Environment.TickCount64 - Volatile.Read(ref _lastPollTicks));

    /// <summary>Receivers whose last messages all ended in the dead-letter topic, with how many in a row.</summary>
    internal IReadOnlyDictionary<string, int> ConsecutiveDeadLetters => _invoker is null ? new Dictionary<string, int>() : ReceiverInvoker.ConsecutiveDeadLetters(Receivers);

    /// <summary>Receivers their error policy stopped.</summary>
    internal IReadOnlyList<string> StoppedReceivers => _invoker is null ? [] : ReceiverInvoker.Stopped(Receivers);

    /// <summary>The registrations this dispatcher calls.</summary>
    internal IEnumerable<ReceiverRegistration> Receivers => _scope is { } scope ? _registry.Current.Where(scope.Owns) : [];

    /// <summary>Partitions held by receivers' error policies.</summary>
    internal int HeldPartitions => _holds?.Count ?? 0;

    /// <summary>Partitions paused by flow control or a hold.</summary>
    internal int PausedPartitions => _assignment?.Flow.PausedCount ?? 0;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_scope is null)
        {
            if (!_registry.Current.IsEmpty)
            {
                throw new InvalidOperationException(
                    $"Receivers are registered ({string.Join(", ", _registry.Current)}) but KafkaConnector:Layer and KafkaConnector:NodeId are not set: they name the node's consumer group and topics.");
            }

            _stopped.TrySetResult();
            return Task.CompletedTask;
        }

        // Singleton receivers are built now: one whose constructor throws fails the start, naming it,
        // instead of the node's consumer later, with the host believing it started.
        _ = _registry.Current;
        _invoker!.Start(); // so are the receiver stages
        var autoOffsetReset = _clients.CreateConsumerConfig(null).Get("auto.offset.reset");
        _startsAtEarliest = StartOffsetResolver.StartsAtEarliest(autoOffsetReset);
        _rebalance = new NodeRebalanceHandler(_assignment!, _holds!, _scope, _scope.IsNode ? _cluster : null, _options, autoOffsetReset, DateTimeOffset.UtcNow, _logger);
        _lastPollTicks = Environment.TickCount64;
        _scheduler = new KeyedWorkScheduler<DispatchWork.Item>(_options.System.MaxConsumerThreads, _work!.ProcessAsync);
        _batches = new BatchCollector(ScheduleBatch);
        _registry.Changed += OnReceiversChanged;
        _pollThread = new Thread(Run) { IsBackground = true, Name = "kafka-dispatcher" };
        _pollThread.Start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => StopWithinAsync(_options.ShutdownTimeout, cancellationToken);

    /// <summary>Stops polling; running work gets <paramref name="drainTimeout"/> to finish before its token fires.</summary>
    internal async Task StopWithinAsync(TimeSpan drainTimeout, CancellationToken cancellationToken)
    {
        _registry.Changed -= OnReceiversChanged;
        Volatile.Write(ref _drainTimeoutTicks, drainTimeout.Ticks);
        await _stopPolling.CancelAsync().ConfigureAwait(false);
        // The poll thread drains, commits and closes within the drain timeout; the margin covers the close itself.
        // Past it the host's stop goes on: the thread ends on its own when librdkafka's close returns.
        var bound = drainTimeout + TimeSpan.FromSeconds(5);
        try
        {
            await _stopped.Task.WaitAsync(bound, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _metrics.CallbackFailed("dispatch.stop");
            DispatchLog.CloseTimedOut(_logger, bound);
        }
    }

    public void Dispose()
    {
        // A poll thread that outlived its stop bound still uses the tokens: leave them to the GC then.
        if (_stopped.Task.IsCompleted)
        {
            _stopPolling.Dispose();
            _hardStop.Dispose();
            _scheduler?.Dispose();
            _work?.Dispose();
        }
    }

    private void OnReceiversChanged() => _resubscribe = true;

    private void Run()
    {
        var scope = _scope!;
        try
        {
            var provisioned = true;
            if (scope.IsNode)
            {
                var missing = _provisioning.EnsureTopics(scope.Topics, _stopPolling.Token);
                _provisioning.CreateByWriting(missing, _stopPolling.Token);
                provisioned = missing.Count == 0;
            }

            _consumer = _clients.CreateConsumer(
                scope.GroupId,
                NodeConsumerSettings.Overrides(_clients, scope, provisioned),
                configure: builder => builder
                    .SetStatisticsHandler((_, json) => _metrics.RecordStatistics(json))
                    .SetPartitionsAssignedHandler((c, p) =>
                    {
                        _statusDue = true;
                        return _rebalance!.OnAssigned(c, p);
                    })
                    .SetPartitionsRevokedHandler((c, p) => OnRevoked(c, p, commit: true))
                    .SetPartitionsLostHandler((c, p) => OnRevoked(c, p, commit: false)),
                onError: (_, error) =>
                {
                    if (error.IsFatal)
                    {
                        _fatal = error;
                    }
                });
            FitLimitsToBatches();
            Subscribe();
            DispatchLog.Started(_logger, scope.Topics.NodeId, scope.Topics.Layer, string.Join(',', _subscription.Topics), scope.GroupId, _options.System.MaxConsumerThreads);
            _sinceCommit.Start();
            PollLoop.Run(_consumer, this, _stopPolling.Token);
        }
        catch (OperationCanceledException) when (_stopPolling.IsCancellationRequested)
        {
            // Stopped while starting (e.g. during topic creation).
        }
        catch (Exception e)
        {
            // The poll thread must never take the process down: record, log and report unhealthy.
            var code = (e as KafkaException)?.Error.Code ?? ErrorCode.Unknown;
            _fatal ??= new Error(code, e.Message);
            DispatchLog.Fatal(_logger, code, e.ToString());
            ReportFailed($"{code}: {e.Message}");
        }
        finally
        {
            Shutdown();
        }
    }

    /// <summary>
    /// A revocation can come inside the poll loop's batch: the batch's work is handed over first, so
    /// that what belongs to the revoked partitions is dropped at once instead of being waited for.
    /// </summary>
    private void OnRevoked(IConsumer<byte[], byte[]> consumer, List<TopicPartitionOffset> partitions, bool commit)
    {
        _statusDue = true;
        _batches!.CloseAll(); // a batch may hold messages of the revoked partitions: handed over now, dropped if revoked
        _scheduler!.Flush();
        _rebalance!.OnRevoked(consumer, partitions.Select(x => x.TopicPartition).ToList(), commit);
    }

    private void Commit(IConsumer<byte[], byte[]> consumer) => _rebalance!.Commit(consumer);

    /// <summary>The node's consumer failing fails the node's requests at once; a receiver group's failure shows in its status.</summary>
    private void ReportFailed(string reason)
    {
        if (_scope is { IsNode: true })
        {
            _cluster.OnConsumerFailed(reason);
        }
    }

    private void Shutdown()
    {
        _work?.Stop();
        _batches?.CloseAll();
        _scheduler?.Flush(); // read and not handed over (the loop ended mid-batch): dropped uncommitted, not waited for
        _holds?.CancelAll(); // a held message stays uncommitted and is read again after restart
        // Work already running gets the drain timeout to finish; then its token fires and it is abandoned.
        var drainTimeout = TimeSpan.FromTicks(Volatile.Read(ref _drainTimeoutTicks));
        if (!SpinWait.SpinUntil(() => InFlight == 0, drainTimeout))
        {
            DispatchLog.StopTimedOut(_logger, InFlight, drainTimeout);
            _hardStop.Cancel();
            SpinWait.SpinUntil(() => InFlight == 0, TimeSpan.FromSeconds(1));
        }

        if (_consumer is { } consumer)
        {
            _endOffsets?.Settle(); // it asks through this consumer
            _rebalance!.Closing();
            PollLoop.Close(consumer, () => Commit(consumer), reason => DispatchLog.CommitFailed(_logger, reason));
        }

        DispatchLog.Stopped(_logger);
        _stopped.TrySetResult();
    }
}
