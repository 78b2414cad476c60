using System.Diagnostics;
using Confluent.Kafka;
using KafkaConnector.Cluster;
using KafkaConnector.Configuration;
using KafkaConnector.Diagnostics;
using KafkaConnector.Engine;
using KafkaConnector.Messages;
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
/// partition (<see cref="PartitionHolds"/>): the poll thread pauses it and reads it again after the hold.</item>
/// <item>Stop is bounded by <c>ShutdownTimeout</c>, even when a receiver hangs.</item>
/// </list>
/// </summary>
internal sealed class KafkaDispatcher : IHostedService, IDisposable
{
    private static readonly TimeSpan PausedPollInterval = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// How long the poll thread waits for a full partition to drain before it pauses it. Pausing makes
    /// librdkafka drop the messages it fetched ahead, and after a resume it fetches nothing for up to a
    /// second: worth it for a slow or hung key, not for receivers that merely run behind the poll loop.
    /// </summary>
    private static readonly TimeSpan PauseGrace = TimeSpan.FromSeconds(1);

    private readonly ManualResetEventSlim _finished = new(initialState: false);

    private readonly KafkaClientFactory _clients;
    private readonly KafkaConnectorSystemApi _api;
    private readonly ReceiverRegistry _registry;
    private readonly SystemTopicProvisioning _provisioning;
    private readonly ReceiverInvoker? _invoker;
    private readonly IClusterTrafficHandler _cluster;
    private readonly KafkaConnectorMetrics _metrics;
    private readonly ILogger _logger;
    private readonly KafkaConnectorOptions _options;
    private readonly KafkaClusterTopicNames? _topics;
    private readonly Dictionary<TopicPartition, PartitionTracker> _partitions = [];
    private readonly Dictionary<string, ReceiverRegistration[]> _byTopic = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopPolling = new();
    private readonly CancellationTokenSource _hardStop = new();
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly System.Collections.Concurrent.ConcurrentQueue<PartitionTracker> _faulted = new();
    private readonly FlowController? _flow;
    private readonly PartitionHolds? _holds;
    private readonly List<(PartitionHold Hold, PartitionTracker Tracker)> _rewindsAfterHold = [];
    private Func<TopicPartition, int>? _unfinished;
    private KeyedWorkScheduler<WorkItem>? _scheduler;
    private ConsumerPauser? _pauser;
    private PartitionTracker? _lastRead;
    private WatermarkCommitter? _committer;
    private StartOffsetResolver? _startOffsets;
    private Thread? _pollThread;
    private IConsumer<byte[], byte[]>? _consumer;
    private List<string> _subscription = [];
    private int _inFlight;
    private bool _ready;
    private volatile bool _resubscribe;
    private volatile bool _stopping;
    private volatile bool _closing;
    private volatile Error? _fatal;
    private DateTimeOffset _startedAt;
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
        _api = api;
        _registry = registry;
        _cluster = cluster;
        _metrics = metrics;
        _logger = loggerFactory.CreateLogger("KafkaConnector.Dispatcher");
        _options = clients.Options;
        _topics = identity.Topics;
        _provisioning = new SystemTopicProvisioning(provisioner, api, _options, _logger);
        if (_topics is { } topics)
        {
            // A slow key may fill half the budget with its partition (a smaller share throttles healthy partitions: measured in docs/performance.md); the node's own topics never pause.
            Func<TopicPartition, bool> own = p => p.Topic == topics.Broadcast || p.Topic == topics.Node;
            _flow = new FlowController(_options.Dispatch.MaxInFlight, Math.Max(1, _options.Dispatch.MaxInFlight / 2), own);
            _holds = new PartitionHolds(own);
            _invoker = new ReceiverInvoker(api, services, _options, metrics, topics.NodeId, _logger, _holds);
        }
    }

    /// <summary>Whether the dispatcher runs (the node has an identity).</summary>
    internal bool IsRunning => _pollThread is not null;

    /// <summary>Messages read and not yet finished.</summary>
    internal int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>The fatal consumer error that stopped the dispatcher, if any.</summary>
    internal Error? FatalError => _fatal;

    /// <summary>Whether the node's broadcast and node topics have been assigned at least once.</summary>
    internal bool IsReady => Volatile.Read(ref _ready);

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
        _startedAt = DateTimeOffset.UtcNow;
        _lastPollTicks = Environment.TickCount64;
        _metrics.ObserveDispatcher(() => InFlight, () => _flow!.PausedCount);
        _metrics.ObserveHolds(() => HeldPartitions);
        _scheduler = new KeyedWorkScheduler<WorkItem>(_options.System.MaxConsumerThreads, ProcessAsync);
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
            _finished.Dispose();
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
            var provisioned = missing.Count == 0;
            _consumer = _clients.CreateConsumer(
                topics.GroupId,
                ConsumerOverrides(provisioned),
                configure: builder => builder
                    .SetStatisticsHandler((_, json) => _metrics.RecordStatistics(json))
                    .SetPartitionsAssignedHandler(OnAssigned)
                    .SetPartitionsRevokedHandler((c, p) => OnRevoked(c, p.Select(x => x.TopicPartition).ToList(), commit: true))
                    .SetPartitionsLostHandler((c, p) => OnRevoked(c, p.Select(x => x.TopicPartition).ToList(), commit: false)),
                onError: (_, error) =>
                {
                    if (error.IsFatal)
                    {
                        _fatal = error;
                    }
                });
            Subscribe();
            DispatchLog.Started(_logger, topics.NodeId, topics.Layer, string.Join(',', _subscription), topics.GroupId, _options.System.MaxConsumerThreads);
            Poll();
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
    /// Manual commits always; statistics every 5 s (for the consumer lag gauge) unless configured otherwise; and, for topics
    /// the node could not create, let the broker create them when subscribed, if it allows.
    /// </summary>
    private List<KeyValuePair<string, string>> ConsumerOverrides(bool provisioned)
    {
        // The watermark commits below are the only commits: whatever the configuration says.
        var overrides = new List<KeyValuePair<string, string>>
        {
            new("enable.auto.commit", "false"),
            new("enable.auto.offset.store", "false"),
        };
        if (_clients.CreateConsumerConfig(null).StatisticsIntervalMs is null) // an explicit 0 switches them off
        {
            overrides.Add(new("statistics.interval.ms", "5000"));
        }

        if (!provisioned)
        {
            overrides.Add(new("allow.auto.create.topics", "true"));
        }

        return overrides;
    }

    private void Poll()
    {
        var consumer = _consumer!;
        var sinceCommit = Stopwatch.StartNew();
        var token = _stopPolling.Token;
        while (!token.IsCancellationRequested)
        {
            Volatile.Write(ref _lastPollTicks, Environment.TickCount64);
            if (_fatal is { } fatal)
            {
                DispatchLog.Fatal(_logger, fatal.Code, fatal.Reason);
                _cluster.OnConsumerFailed($"{fatal.Code}: {fatal.Reason}");
                return;
            }

            if (_resubscribe)
            {
                _resubscribe = false;
                _byTopic.Clear();
                Subscribe();
            }

            try
            {
                // Paused partitions deliver nothing: poll briefly so that FlowControl resumes them as
                // soon as the work drains, not a whole PollInterval later.
                if (consumer.Consume(_flow!.PausedCount > 0 ? PausedPollInterval : _options.System.PollInterval) is { IsPartitionEOF: false } result)
                {
                    Dispatch(result);
                }
            }
            catch (ConsumeException e) when (e.Error.IsFatal)
            {
                _fatal ??= e.Error; // the check at the top of the loop logs it once and tells the cluster
                continue;
            }
            catch (ConsumeException e)
            {
                DispatchLog.ConsumeError(_logger, e.Error.Code, e.Error.Reason);
            }

            FlowControl(consumer);
            if (sinceCommit.Elapsed >= _options.Dispatch.CommitInterval)
            {
                Commit(consumer, _partitions.Values);
                sinceCommit.Restart();
            }
        }
    }

    private void Subscribe()
    {
        var topics = _topics!;
        var wanted = new SortedSet<string>(StringComparer.Ordinal) { topics.Broadcast, topics.Node };
        foreach (var registration in _registry.Current)
        {
            wanted.UnionWith(registration.Filter.ResolveNames(topics));
            wanted.UnionWith(registration.Filter.Patterns.Select(p => p.ToString()));
        }

        if (!wanted.SequenceEqual(_subscription))
        {
            _subscription = [.. wanted];
            if (_ready)
            {
                DispatchLog.Resubscribing(_logger, string.Join(',', _subscription));
            }

            _consumer!.Subscribe(_subscription);
        }
    }

    private void Dispatch(ConsumeResult<byte[], byte[]> result)
    {
        if (!_partitions.TryGetValue(result.TopicPartition, out var tracker))
        {
            tracker = _partitions[result.TopicPartition] = new PartitionTracker(result.TopicPartition, _hardStop.Token);
        }

        _lastRead = tracker;

        var message = KafkaMessage.FromConsumeResult(result);
        ReceiverRegistration[] targets;
        try
        {
            switch (_cluster.Route(message, out var own))
            {
                case TrafficRoute.NotMine:
                    targets = Match(message);
                    break;
                case TrafficRoute.ToReceiver:
                    targets = [own!];
                    break;
                default:
                    tracker.Skip(result.Offset.Value);
                    return;
            }
        }
        catch (Exception e)
        {
            // An inline handler must not throw; if it does, count it and go on: the record is the cluster's own.
            _metrics.CallbackFailed("cluster");
            DispatchLog.DispatchFailed(_logger, e, message.Topic, result.Partition.Value, result.Offset.Value);
            tracker.Skip(result.Offset.Value);
            return;
        }

        if (targets.Length == 0)
        {
            tracker.Skip(result.Offset.Value);
            return;
        }

        var entry = tracker.Track(result.Offset.Value);
        Interlocked.Increment(ref _inFlight);
        DispatchLog.Dispatching(_logger, message.Topic, result.Partition.Value, result.Offset.Value, targets.Length);
        _scheduler!.Schedule(WorkKey.Of(message.Topic, result.Partition.Value, message.Key), new WorkItem(message, targets, tracker, entry), reserved: targets.Length == 1 && targets[0].IsInternal);
    }

    private ReceiverRegistration[] Match(KafkaMessage message)
    {
        if (!_byTopic.TryGetValue(message.Topic, out var forTopic))
        {
            forTopic = _byTopic[message.Topic] = [.. _registry.Current.Where(r => !r.IsInternal && Matches(r.Filter, message.Topic))];
        }

        return Array.TrueForAll(forTopic, r => r.KeyFilter is null) ? forTopic : Array.FindAll(forTopic, r => r.MatchesKey(message.Key));
    }

    /// <summary>
    /// A regular expression never matches a dead-letter topic (<c>regex:^orders.*</c> would otherwise
    /// read <c>orders.DLT</c> and chain failures into <c>orders.DLT.DLT</c>); name it to receive it.
    /// </summary>
    private bool Matches(KafkaTopicFilter filter, string topic) =>
        filter.ResolveNames(_topics).Contains(topic, StringComparer.Ordinal)
        || (!topic.EndsWith(_options.Dispatch.DeadLetterTopicSuffix, StringComparison.Ordinal) && filter.Patterns.Any(p => p.IsMatch(topic)));

    private async Task ProcessAsync(WorkItem work)
    {
        try
        {
            if (_stopping || work.Tracker.Revoked)
            {
                work.Tracker.Drop(); // not committed: read again after restart or by the partition's next owner
                return;
            }

            foreach (var registration in work.Targets)
            {
                await _invoker!.InvokeAsync(registration, work.Message, work.Tracker.Cancellation.Token).ConfigureAwait(false);
            }

            work.Tracker.Complete(work.Entry);
        }
        catch (OperationCanceledException)
        {
            work.Tracker.Drop();
        }
        catch (Exception e)
        {
            // Not from a receiver (those are retried and dead-lettered): e.g. the dead-letter write
            // while the connector shuts down. Left uncommitted, so it is read again; never silent.
            _metrics.CallbackFailed("dispatch");
            DispatchLog.DispatchFailed(_logger, e, work.Message.Topic, work.Message.Partition ?? -1, work.Message.Offset ?? -1);
            if (work.Tracker.Fault())
            {
                _faulted.Enqueue(work.Tracker); // the poll loop reads the partition again from its watermark
            }
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
            _finished.Set();
        }
    }

    private void FlowControl(IConsumer<byte[], byte[]> consumer)
    {
        while (_faulted.TryDequeue(out var faulted))
        {
            if (Rewind(consumer, faulted))
            {
                DispatchLog.Rewound(_logger, faulted.Partition.Topic, faulted.Partition.Partition.Value, faulted.Watermark);
            }
        }

        ApplyHolds(consumer);

        if (!_flow!.IsDue(InFlight, _lastRead?.Unfinished ?? 0))
        {
            return;
        }

        _unfinished ??= p => _partitions.TryGetValue(p, out var tracker) ? tracker.Unfinished : 0;
        if (_flow.WouldPause(InFlight, _unfinished))
        {
            var waited = Stopwatch.StartNew();
            for (var left = PauseGrace; left > TimeSpan.Zero; left = PauseGrace - waited.Elapsed)
            {
                _finished.Reset(); // before the check: a message finishing in between still wakes the wait
                if (!_flow.WouldPause(InFlight, _unfinished))
                {
                    break;
                }

                _finished.Wait(left);
            }
        }

        var (paused, resumed) = _flow.Apply(_pauser ??= new ConsumerPauser(consumer), InFlight, _unfinished);
        if (paused > 0)
        {
            DispatchLog.Paused(_logger, paused, InFlight);
        }

        if (resumed > 0)
        {
            DispatchLog.Resumed(_logger, resumed);
        }
    }

    /// <summary>
    /// Applies the holds receivers asked for: a held partition stays paused; when its hold ends it
    /// resumes, or, if messages behind the held one were left unprocessed, is read again from its
    /// watermark once its running work settled (the held message is finished by then).
    /// </summary>
    private void ApplyHolds(IConsumer<byte[], byte[]> consumer)
    {
        var holds = _holds!;
        while (holds.TryTake(out var change))
        {
            var partition = change.Hold.Partition;
            if (!_partitions.TryGetValue(partition, out var tracker) || tracker.Cancellation.Token != change.Hold.Assignment)
            {
                holds.Rewound(change.Hold); // revoked or read again since: the hold went with that assignment
                continue;
            }

            switch (change.Kind)
            {
                case HoldChangeKind.Held:
                    _flow!.Hold(partition);
                    break;
                case HoldChangeKind.Released:
                    _flow!.Release(partition);
                    break;
                default:
                    _rewindsAfterHold.Add((change.Hold, tracker));
                    break;
            }
        }

        for (var i = _rewindsAfterHold.Count - 1; i >= 0; i--)
        {
            var (hold, tracker) = _rewindsAfterHold[i];
            if (tracker.Outstanding > 0 && !tracker.Revoked)
            {
                continue;
            }

            _rewindsAfterHold.RemoveAt(i);
            if (Rewind(consumer, tracker))
            {
                DispatchLog.RewoundAfterHold(_logger, hold.Partition.Topic, hold.Partition.Partition.Value, tracker.Watermark);
            }

            holds.Rewound(hold);
        }
    }

    /// <summary>
    /// A message failed outside any receiver and can never finish, or a hold left messages unprocessed:
    /// read the partition again from the watermark, with a fresh tracker, instead of leaving it unable to
    /// commit for the rest of the assignment. False when the tracker is not the partition's current one.
    /// </summary>
    private bool Rewind(IConsumer<byte[], byte[]> consumer, PartitionTracker faulted)
    {
        if (!_partitions.TryGetValue(faulted.Partition, out var current) || !ReferenceEquals(current, faulted))
        {
            return false; // revoked (or rewound) since: its next owner reads it from the committed offset
        }

        faulted.Revoke();
        var watermark = faulted.Watermark;
        var fresh = _partitions[faulted.Partition] = new PartitionTracker(faulted.Partition, _hardStop.Token);
        fresh.StartAt(watermark); // the faulted tracker read at least the failed offset, so its watermark is set
        consumer.Seek(new TopicPartitionOffset(faulted.Partition, watermark));
        fresh.Committed(faulted.CommittedOffset);
        // A hold belongs to the assignment just replaced: its holder gives up, and the partition may resume.
        _holds!.Revoked([faulted.Partition]);
        _flow!.Release(faulted.Partition);
        return true;
    }

    private IEnumerable<TopicPartitionOffset> OnAssigned(IConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions)
    {
        foreach (var partition in partitions)
        {
            _partitions[partition] = new PartitionTracker(partition, _hardStop.Token);
        }

        _flow!.Assigned(partitions); // their pause state is re-established explicitly on the next poll
        _startOffsets ??= new StartOffsetResolver(_clients.CreateConsumerConfig(null).Get("auto.offset.reset"), _startedAt, _logger);
        var start = _startOffsets.Resolve(consumer, partitions, p => _partitions[p]);
        Commit(consumer, partitions.Select(p => _partitions[p])); // the start offsets resolved from the end, if any
        DispatchLog.Assigned(_logger, string.Join(',', partitions));
        var topics = _topics!;
        if (!_ready && partitions.Any(p => p.Topic == topics.Node) && partitions.Any(p => p.Topic == topics.Broadcast))
        {
            Volatile.Write(ref _ready, true);
            _cluster.OnSubscribed();
        }

        return start;
    }

    private void OnRevoked(IConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions, bool commit)
    {
        _flow!.Revoked(partitions);
        _holds!.Revoked(partitions); // holders give up at once: their messages stay uncommitted for the next owner
        var trackers = new List<PartitionTracker>(partitions.Count);
        foreach (var partition in partitions)
        {
            if (_partitions.Remove(partition, out var tracker))
            {
                tracker.Revoke();
                trackers.Add(tracker);
            }
        }

        // Let work already running finish (bounded), so that what is done gets committed.
        var timeout = commit && !_closing ? _options.Dispatch.RevocationTimeout : TimeSpan.Zero;
        SpinWait.SpinUntil(() => trackers.TrueForAll(t => t.Outstanding == 0), timeout);
        var abandoned = 0;
        foreach (var tracker in trackers.Where(t => t.Outstanding > 0))
        {
            abandoned += tracker.Outstanding;
            tracker.Cancellation.Cancel();
        }

        if (commit)
        {
            Commit(consumer, trackers);
        }

        DispatchLog.Revoked(_logger, string.Join(',', partitions), abandoned, timeout);
    }

    private void Commit(IConsumer<byte[], byte[]> consumer, IEnumerable<PartitionTracker> trackers)
    {
        _committer ??= new WatermarkCommitter(offsets => consumer.Commit(offsets), e => DispatchLog.CommitFailed(_logger, e.Error.Reason));
        _committer.Commit(trackers);
    }

    private void Shutdown()
    {
        _stopping = true;
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
            _closing = true;
            try
            {
                Commit(consumer, _partitions.Values);
                consumer.Close();
            }
            catch (KafkaException e)
            {
                DispatchLog.CommitFailed(_logger, e.Error.Reason);
            }
            finally
            {
                consumer.Dispose();
            }
        }

        DispatchLog.Stopped(_logger);
        _stopped.TrySetResult();
    }

    private sealed record WorkItem(KafkaMessage Message, ReceiverRegistration[] Targets, PartitionTracker Tracker, PartitionTracker.Entry Entry);
}
