using Microsoft.Extensions.Logging;

namespace KafkaConnector.Receivers;

/// <summary>
/// The node's dispatchers: one in the node's own group (system topics, cluster traffic, receivers
/// without a group) and one per receiver group named by a registered receiver (see
/// <see cref="KafkaReceiverOptions.InGroup"/>), started when the first receiver of that group is
/// registered, at start or at runtime, and stopped (drained and committed) when its last one goes.
/// </summary>
internal sealed class KafkaDispatchers : IDisposable
{
    private readonly DispatcherServices _services;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, KafkaDispatcher> _groups = new(StringComparer.Ordinal);
    private readonly List<Task> _retiring = [];
    private bool _started;
    private bool _stopping;
    private volatile bool _restarting;

    public KafkaDispatchers(DispatcherServices services)
    {
        _services = services;
        _logger = services.LoggerFactory.CreateLogger("KafkaConnector.Dispatcher");
        Node = new KafkaDispatcher(services, services.Identity.Topics is { } topics ? DispatchScope.Node(topics) : null);
        services.Metrics.ObserveDispatcher(() => Sum(d => d.InFlight), () => Sum(d => d.PausedPartitions));
        services.Metrics.ObserveHolds(() => Sum(d => d.HeldPartitions));
    }

    /// <summary>The dispatcher of the node's own group (a new one after <see cref="RestartAsync"/>).</summary>
    public KafkaDispatcher Node { get; private set; }

    /// <summary>Whether <see cref="RestartAsync"/> runs: the old consumers stop and new ones start (status says starting, not stopped).</summary>
    public bool IsRestarting => _restarting;

    /// <summary>The node's dispatcher first, then those of the receiver groups, by group id.</summary>
    public IReadOnlyList<KafkaDispatcher> All
    {
        get
        {
            lock (_lock)
            {
                return [Node, .. _groups.OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => g.Value)];
            }
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await Node.StartAsync(cancellationToken).ConfigureAwait(false);
        if (Node.Scope is null)
        {
            return;
        }

        _services.Registry.Changed += OnReceiversChanged;
        lock (_lock)
        {
            _started = true;
        }

        Synchronize();
    }

    /// <summary>Stops every dispatcher at once; each drains within <paramref name="drainTimeout"/>.</summary>
    public async Task StopWithinAsync(TimeSpan drainTimeout, CancellationToken cancellationToken)
    {
        _services.Registry.Changed -= OnReceiversChanged;
        List<Task> stops;
        lock (_lock)
        {
            _stopping = true;
            stops = [.. _retiring, .. _groups.Values.Select(d => d.StopWithinAsync(drainTimeout, cancellationToken))];
        }

        stops.Add(Node.StopWithinAsync(drainTimeout, cancellationToken));
        await Task.WhenAll(stops).ConfigureAwait(false);
    }

    /// <summary>
    /// Makes every consumer of the node anew, as at start: each dispatcher drains and commits within
    /// <c>ShutdownTimeout</c>, then new ones join their groups (after a fatal consumer error, too).
    /// Receivers their error policy stopped run again; pauses stay.
    /// </summary>
    public async Task RestartAsync(CancellationToken cancellationToken)
    {
        var drainTimeout = _services.Clients.Options.ShutdownTimeout;
        if (Node.Scope is null)
        {
            throw new InvalidOperationException("The node has no identity (KafkaConnector:Layer and KafkaConnector:NodeId): no consumer runs to restart.");
        }

        List<KafkaDispatcher> old;
        lock (_lock)
        {
            if (!_started || _stopping)
            {
                throw new InvalidOperationException("The node's consumption is not running (not started yet, or stopping): nothing to restart.");
            }

            _started = false; // registrations meanwhile wait for the new set
            _restarting = true;
            old = [Node, .. _groups.Values];
        }

        DispatchLog.Restarting(_logger, old.Count);
        try
        {
            await Task.WhenAll(old.Select(d => d.StopWithinAsync(drainTimeout, cancellationToken))).ConfigureAwait(false);
        }
        catch
        {
            _restarting = false;
            throw;
        }

        lock (_lock)
        {
            _groups.Clear(); // listed until now, so that their receivers stay in the status while they stop
        }

        foreach (var dispatcher in old)
        {
            dispatcher.Dispose();
        }

        foreach (var registration in _services.Registry.Current)
        {
            registration.ResetPipeline();
        }

        _services.Cluster.OnConsumerRestarting();
        var node = new KafkaDispatcher(_services, Node.Scope);
        await node.StartAsync(cancellationToken).ConfigureAwait(false);
        lock (_lock)
        {
            Node = node;
            _started = !_stopping;
        }

        Synchronize();
        _restarting = false;
    }

    public void Dispose()
    {
        foreach (var dispatcher in All)
        {
            dispatcher.Dispose();
        }
    }

    private void OnReceiversChanged() => Synchronize();

    /// <summary>Starts a dispatcher for each group that got its first receiver; stops those whose last receiver went.</summary>
    private void Synchronize()
    {
        var scopeTopics = Node.Scope!.Topics;
        lock (_lock)
        {
            if (!_started || _stopping)
            {
                return;
            }

            var wanted = _services.Registry.Current.Select(r => r.GroupId).OfType<string>().ToHashSet(StringComparer.Ordinal);
            foreach (var group in wanted.Where(g => !_groups.ContainsKey(g)).Order(StringComparer.Ordinal))
            {
                var dispatcher = new KafkaDispatcher(_services, DispatchScope.Shared(group, scopeTopics));
                _groups[group] = dispatcher;
                dispatcher.StartAsync(CancellationToken.None).GetAwaiter().GetResult(); // starts a thread, does not block
            }

            foreach (var group in _groups.Keys.Where(g => !wanted.Contains(g)).ToList())
            {
                var dispatcher = _groups[group];
                _groups.Remove(group);
                DispatchLog.GroupRetired(_logger, group);
                _retiring.Add(RetireAsync(dispatcher));
            }
        }
    }

    private async Task RetireAsync(KafkaDispatcher dispatcher)
    {
        await Task.Yield(); // not on the thread that unregistered the receiver
        try
        {
            await dispatcher.StopWithinAsync(_services.Clients.Options.ShutdownTimeout, CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            dispatcher.Dispose();
        }
    }

    private int Sum(Func<KafkaDispatcher, int> value) => All.Sum(value);
}
