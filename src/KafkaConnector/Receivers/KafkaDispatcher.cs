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
/// Consumes the node's system topics and every receiver's topics in the node's own group, and
/// calls the matching receivers.
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
    private readonly KafkaClusterTopicNames? _topics;
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
    private ConsumerPauser? _pauser;
    private NodeRebalanceHandler? _rebalance;
    private Thread? _pollThread;
    private IConsumer<byte[], byte[]>? _consumer;
    private volatile bool _resubscribe;
    private volatile Error? _fatal;
    private long _lastPollTicks;
    private long _drainTimeoutTicks;

    public KafkaDispatcher(
        KafkaClientFactory clients,
        KafkaConnectorSystemApi api,
        ReceiverRegistry registry,
        IServiceProvider services,
        IKafkaTopicProvisioner provisioner,
        IClusterTrafficHandler cluster,
        NodeIdentity identity,
        KafkaConnectorMetrics metrics,
        ILoggerFactory loggerFactory)
    {
        _clients = clients;
        _registry = registry;
        _cluster = cluster;
        _metrics = metrics;
        _logger = loggerFactory.CreateLogger("KafkaConnector.Dispatcher");
        _options = clients.Options;
        _topics = identity.Topics;
        _provisioning = new SystemTopicProvisioning(provisioner, api, _options, _logger);
        _inFlight = () => InFlight;
        _subscription = new NodeSubscription(_topics);
        if (_topics is { } topics)
        {
            // A slow key may fill half the budget with its partition (a smaller share throttles healthy partitions: measured in docs/performance.md); the node's own topics never pause.
            Func<TopicPartition, bool> own = p => p.Topic == topics.Broadcast || p.Topic == topics.Node;
            var flow = new FlowController(_options.Dispatch.MaxInFlight, Math.Max(1, _options.Dispatch.MaxInFlight / 2), own);
            _assignment = new ConsumerAssignment(flow, _hardStop.Token);
            _holds = new PartitionHolds(own);
            _nodeHolds = new NodeHolds(_holds, _assignment, _logger);
            _invoker = new ReceiverInvoker(api, services, _options, metrics, topics.NodeId, _logger, _holds);
            _work = new DispatchWork(_invoker, metrics, _logger);
            _router = new ReceiverRouter(registry, cluster, topics, _options.Dispatch.DeadLetterTopicSuffix, metrics, _logger);
        }
    }

    /// <summary>Whether the dispatcher runs (the node has an identity).</summary>
    internal bool IsRunning => _pollThread is not null;

    /// <summary>Messages read and not yet finished.</summary>
    internal int InFlight => _work?.InFlight ?? 0;

    /// <summary>The fatal consumer error that stopped the dispatcher, if any.</summary>
    internal Error? FatalError => _fatal;

    /// <summary>Whether the node's broadcast and node topics have been assigned at least once.</summary>
    internal bool IsReady => _rebalance?.IsReady ?? false;

    /// <summary>Whether the poll loop has ended (stopped, or a fatal error).</summary>
    internal bool HasStopped => _stopped.Task.IsCompleted;

    /// <summary>How long ago the poll loop last polled (a stuck loop grows this).</summary>
    internal TimeSpan SinceLastPoll => TimeSpan.FromMilliseconds(Environment.TickCount64 - Volatile.Read(ref _lastPollTicks));

    /// <summary>Receivers whose last messages all ended in the dead-letter topic, with how many in a row.</summary>
    internal IReadOnlyDictionary<string, int> ConsecutiveDeadLetters => _invoker is null ? new Dictionary<string, int>() : ReceiverInvoker.ConsecutiveDeadLetters(_registry.Current);

    /// <summary>Receivers their error policy stopped.</summary>
    internal IReadOnlyList<string> StoppedReceivers => _invoker is null ? [] : ReceiverInvoker.Stopped(_registry.Current);

    /// <summary>Partitions held by receivers' error policies.</summary>
    internal int HeldPartitions => _holds?.Count ?? 0;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_topics is null)
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
        _rebalance = new NodeRebalanceHandler(_assignment!, _holds!, _topics, _cluster, _options, _clients.CreateConsumerConfig(null).Get("auto.offset.reset"), DateTimeOffset.UtcNow, _logger);
        _lastPollTicks = Environment.TickCount64;
        _metrics.ObserveDispatcher(() => InFlight, () => _assignment!.Flow.PausedCount);
        _metrics.ObserveHolds(() => HeldPartitions);
        _scheduler = new KeyedWorkScheduler<DispatchWork.Item>(_options.System.MaxConsumerThreads, _work!.ProcessAsync);
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
        var topics = _topics!;
        try
        {
            var missing = _provisioning.EnsureTopics(topics, _stopPolling.Token);
            _provisioning.CreateByWriting(missing, _stopPolling.Token);
            _consumer = _clients.CreateConsumer(
                topics.GroupId,
                NodeConsumerSettings.Overrides(_clients, provisioned: missing.Count == 0),
                configure: builder => builder
                    .SetStatisticsHandler((_, json) => _metrics.RecordStatistics(json))
                    .SetPartitionsAssignedHandler(_rebalance!.OnAssigned)
                    .SetPartitionsRevokedHandler((c, p) => OnRevoked(c, p, commit: true))
                    .SetPartitionsLostHandler((c, p) => OnRevoked(c, p, commit: false)),
                onError: (_, error) =>
                {
                    if (error.IsFatal)
                    {
                        _fatal = error;
                    }
                });
            Subscribe();
            DispatchLog.Started(_logger, topics.NodeId, topics.Layer, string.Join(',', _subscription.Topics), topics.GroupId, _options.System.MaxConsumerThreads);
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
            _cluster.OnConsumerFailed($"{code}: {e.Message}");
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
        _scheduler!.Flush();
        _rebalance!.OnRevoked(consumer, partitions.Select(x => x.TopicPartition).ToList(), commit);
    }

    private void Commit(IConsumer<byte[], byte[]> consumer) => _rebalance!.Commit(consumer);

    private void Shutdown()
    {
        _work?.Stop();
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
            _rebalance!.Closing();
            PollLoop.Close(consumer, () => Commit(consumer), reason => DispatchLog.CommitFailed(_logger, reason));
        }

        DispatchLog.Stopped(_logger);
        _stopped.TrySetResult();
    }
}
