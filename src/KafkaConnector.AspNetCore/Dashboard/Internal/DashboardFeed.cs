using System.Collections.Concurrent;
using KafkaConnector.Cluster;
using KafkaConnector.Configuration;
using KafkaConnector.Consumers;
using KafkaConnector.Diagnostics;
using KafkaConnector.Messages;
using KafkaConnector.Receivers;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace KafkaConnector.AspNetCore.Dashboard.Internal;

/// <summary>
/// What the dashboard shows beyond the meter: members as they come and go, the last dead
/// letters, read from each dead-letter topic once this node has written to it, and the receivers' status.
/// </summary>
internal sealed class DashboardFeed : IHostedService, IDisposable
{
    private const int Keep = 20;
    private readonly NodeMetrics _metrics;
    private readonly IKafkaConnectorSystemApi _kafka;
    private readonly IKafkaConnectorStatus _status;
    private readonly IServiceProvider _services;
    private readonly KafkaConnectorOptions _options;
    private readonly ConcurrentQueue<DashboardMemberEvent> _events = new();
    private readonly ConcurrentQueue<DashboardDeadLetter> _deadLetters = new();
    private readonly ConcurrentDictionary<string, IDisposable> _readers = new(StringComparer.Ordinal);
    private IDisposable? _members;
    private volatile bool _stopped;

    public DashboardFeed(NodeMetrics metrics, IKafkaConnectorSystemApi kafka, IKafkaConnectorStatus status, IServiceProvider services, IOptions<KafkaConnectorOptions> options)
    {
        _metrics = metrics;
        _kafka = kafka;
        _status = status;
        _services = services;
        _options = options.Value;
    }

    private bool Identified => !string.IsNullOrEmpty(_options.Layer) && !string.IsNullOrEmpty(_options.NodeId);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _metrics.DeadLettered += OnDeadLettered;
        if (Identified)
        {
            _members = Cluster.MemberEvents.Subscribe(e => Add(_events, new DashboardMemberEvent(e.Kind.ToString(), e.Member.NodeId, DateTimeOffset.UtcNow)));
        }

        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _stopped = true;
        _metrics.DeadLettered -= OnDeadLettered;
        _members?.Dispose();
        await Task.Run(() => Parallel.ForEach(_readers.Values, r => r.Dispose()), CancellationToken.None).ConfigureAwait(false);
        _readers.Clear();
    }

    public DashboardSnapshot Snapshot()
    {
        var members = Identified
            ? Cluster.Members.OrderBy(m => m.NodeId, StringComparer.Ordinal).Select(m => new DashboardMember(m.NodeId, m.StartedAt, m.LastSeen)).ToArray()
            : [];
        return new DashboardSnapshot(_options.Layer, _options.NodeId, DateTimeOffset.UtcNow, members, [.. _events.Reverse()], _metrics.Read(), [.. _deadLetters.Reverse()], DashboardReceivers.From(_status.GetReceiverStatus()));
    }

    public void Dispose() => _members?.Dispose();

    private IKafkaCluster Cluster => (IKafkaCluster)_services.GetService(typeof(IKafkaCluster))!;

    private static void Add<T>(ConcurrentQueue<T> queue, T item)
    {
        queue.Enqueue(item);
        while (queue.Count > Keep && queue.TryDequeue(out _))
        {
        }
    }

    // Called on a receiver's lane: start the reader elsewhere.
    private void OnDeadLettered(string originalTopic) => _ = Task.Run(() => ReadDeadLetters(originalTopic));

    private void ReadDeadLetters(string originalTopic)
    {
        var topic = originalTopic + _options.Dispatch.DeadLetterTopicSuffix;
        if (_stopped || _readers.ContainsKey(topic))
        {
            return;
        }

        var options = new KafkaReactiveConsumeOptions { CommitOffsets = false, ConsumerProperties = { ["auto.offset.reset"] = "earliest" } };
        var stream = _kafka.ConsumeReactive($"kc-dashboard-{Guid.NewGuid():N}", KafkaSubscription.ToTopics(topic), options);
        var placeholder = new SingleAssignment();
        if (_readers.TryAdd(topic, placeholder))
        {
            placeholder.Set(stream.Subscribe(m => Add(_deadLetters, ToDeadLetter(m)), error => _readers.TryRemove(topic, out var _)));
        }
    }

    private static DashboardDeadLetter ToDeadLetter(KafkaMessage m)
    {
        return new DashboardDeadLetter(
            m.HeaderAsString(DeadLetterHeaders.OriginalTopic) ?? m.Topic,
            DashboardReceivers.Shorten(m.KeyAsString(), 64),
            m.HeaderAsString(DeadLetterHeaders.Receiver),
            m.HeaderAsString(DeadLetterHeaders.ExceptionType),
            DashboardReceivers.Shorten(m.HeaderAsString(DeadLetterHeaders.ExceptionMessage), DashboardReceivers.MaxErrorLength),
            m.HeaderAsString(DeadLetterHeaders.Attempts),
            m.Timestamp);
    }

    /// <summary>Holds a subscription made after it was registered, so a concurrent stop disposes it too.</summary>
    private sealed class SingleAssignment : IDisposable
    {
        private readonly Lock _lock = new();
        private IDisposable? _inner;
        private bool _disposed;

        public void Set(IDisposable inner)
        {
            lock (_lock)
            {
                if (!_disposed)
                {
                    _inner = inner;
                    return;
                }
            }

            inner.Dispose();
        }

        public void Dispose()
        {
            IDisposable? inner;
            lock (_lock)
            {
                _disposed = true;
                inner = _inner;
                _inner = null;
            }

            inner?.Dispose();
        }
    }
}
