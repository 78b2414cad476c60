using System.Collections.Concurrent;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using KafkaConnector.Configuration;
using KafkaConnector.Messages;
using KafkaConnector.Receivers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KafkaConnector.Cluster;

/// <inheritdoc cref="IKafkaCluster"/>
internal sealed partial class KafkaCluster : IKafkaCluster, IClusterTrafficHandler, IDisposable
{
    private const string Join = "join";
    private const string Alive = "alive";
    private const string Leave = "leave";

    private readonly IKafkaConnectorSystemApi _api;
    private readonly NodeIdentity _identity;
    private readonly IServiceProvider _services;
    private readonly KafkaClusterOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Exception? _failure;
    private readonly ConcurrentDictionary<string, KafkaClusterMember> _members = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource<KafkaMessage>> _pending = new(StringComparer.Ordinal);
    private readonly Subject<KafkaClusterMemberEvent> _events = new();
    private readonly ISubject<KafkaClusterMemberEvent> _syncEvents;
    private readonly Lazy<IReadOnlyDictionary<string, Type>> _handlers;
    private readonly DateTimeOffset _startedAt;
    private int _disposed;

    public KafkaCluster(
        IKafkaConnectorSystemApi api,
        NodeIdentity identity,
        IServiceProvider services,
        IEnumerable<RequestHandlerDescriptor> handlers,
        KafkaClientFactory clients,
        ILoggerFactory loggerFactory,
        TimeProvider? time = null)
    {
        _api = api;
        _identity = identity;
        _services = services;
        _options = clients.Options.Cluster;
        _logger = loggerFactory.CreateLogger("KafkaConnector.Cluster");
        _time = time ?? TimeProvider.System;
        _startedAt = _time.GetUtcNow();
        _syncEvents = Subject.Synchronize(_events);
        var descriptors = handlers.ToList();
        _handlers = new Lazy<IReadOnlyDictionary<string, Type>>(() => descriptors.ToDictionary(d => d.Operation, d => d.Type, StringComparer.Ordinal));
        var requestFilter = identity.Topics is { } t ? KafkaTopicFilter.Parse(t.Node) : KafkaTopicFilter.Parse("unused");
        RequestReceiver = ReceiverRegistration.Internal("cluster-requests", new RequestReceiverAdapter(this), requestFilter);
    }

    public KafkaClusterTopicNames Topics => _identity.Require("The cluster API");

    public IReadOnlyCollection<KafkaClusterMember> Members => [.. _members.Values.OrderBy(m => m.NodeId, StringComparer.Ordinal)];

    public IObservable<KafkaClusterMemberEvent> MemberEvents => _events.AsObservable();

    /// <summary>The internal receiver that answers requests; it runs in the dispatch lanes like any receiver.</summary>
    internal ReceiverRegistration RequestReceiver { get; }

    /// <summary>Whether the node is consuming its topics.</summary>
    internal bool IsReady => _ready.Task.IsCompletedSuccessfully && Volatile.Read(ref _failure) is null;

    public Task WaitUntilReadyAsync(CancellationToken cancellationToken = default)
    {
        _ = Topics;
        // A node whose consumer failed after it was ready is not ready any more.
        return Volatile.Read(ref _failure) is { } failure ? Task.FromException(failure) : _ready.Task.WaitAsync(cancellationToken);
    }

    public Task<KafkaDeliveryResult> BroadcastAsync(byte[]? key, byte[]? value, Headers? headers = null, CancellationToken cancellationToken = default) =>
        _api.ProduceAsync(new KafkaMessage(Topics.Broadcast, key, value) { Headers = headers ?? [] }, cancellationToken);

    public Task<KafkaDeliveryResult> SendToNodeAsync(string nodeId, byte[]? key, byte[]? value, Headers? headers = null, CancellationToken cancellationToken = default)
    {
        ValidateNodeId(nodeId);
        return _api.ProduceAsync(new KafkaMessage(Topics.NodeTopicOf(nodeId), key, value) { Headers = headers ?? [] }, cancellationToken);
    }

    /// <summary>The longest wait a timer accepts (about 49 days): a larger timeout is no timeout.</summary>
    private static readonly TimeSpan MaxRequestTimeout = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    /// <summary>A node id becomes part of a topic name: checked as such, and named as the node id.</summary>
    private static void ValidateNodeId(string nodeId, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(nodeId))] string? paramName = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(nodeId, paramName);
        if (!NodeIdPattern().IsMatch(nodeId))
        {
            throw new ArgumentException($"Node id '{nodeId}' must be letters, digits, '.', '_' or '-' (it names the node's topic).", paramName);
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex("^[A-Za-z0-9._-]{1,124}$")]
    private static partial System.Text.RegularExpressions.Regex NodeIdPattern();

    public async Task<KafkaMessage> RequestAsync(string nodeId, string operation, byte[]? payload, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ValidateNodeId(nodeId);
        ArgumentNullException.ThrowIfNull(operation);
        if (timeout is { } requested && (requested <= TimeSpan.Zero || requested > MaxRequestTimeout))
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), requested, $"A request timeout must be greater than zero and at most {MaxRequestTimeout.TotalDays:0} days (null takes Cluster:RequestTimeout).");
        }

        var topics = Topics;
        await WaitUntilReadyAsync(cancellationToken).ConfigureAwait(false);
        if (!_members.ContainsKey(nodeId))
        {
            throw new KafkaClusterNodeNotFoundException(nodeId, topics.Layer, _members.Keys);
        }

        var limit = timeout ?? _options.RequestTimeout;
        var correlationId = Guid.NewGuid().ToString("N");
        var reply = new TaskCompletionSource<KafkaMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[correlationId] = reply;
        try
        {
            var headers = new Headers();
            ClusterHeaders.Set(headers, ClusterHeaders.Type, ClusterHeaders.RequestType);
            ClusterHeaders.Set(headers, ClusterHeaders.CorrelationId, correlationId);
            ClusterHeaders.Set(headers, ClusterHeaders.ReplyTo, topics.Node);
            ClusterHeaders.Set(headers, ClusterHeaders.From, topics.NodeId);
            ClusterHeaders.Set(headers, ClusterHeaders.Operation, operation);
            await _api.ProduceAsync(new KafkaMessage(topics.NodeTopicOf(nodeId), Encoding.UTF8.GetBytes(correlationId), payload) { Headers = headers }, cancellationToken).ConfigureAwait(false);

            KafkaMessage answer;
            try
            {
                answer = await reply.Task.WaitAsync(limit, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                throw new KafkaClusterRequestTimeoutException(nodeId, operation, limit);
            }

            return ClusterHeaders.Get(answer, ClusterHeaders.Status) == "ok"
                ? answer
                : throw new KafkaClusterRequestFailedException(nodeId, operation, ClusterHeaders.Get(answer, ClusterHeaders.Error) ?? "unknown error");
        }
        finally
        {
            _pending.TryRemove(correlationId, out _);
        }
    }

    public void OnSubscribed()
    {
        var topics = _identity.Topics!;
        _members[topics.NodeId] = new KafkaClusterMember(topics.NodeId, topics.Layer, _startedAt, _time.GetUtcNow());
        ClusterLog.Ready(_logger, topics.NodeId, topics.Layer);
        _ready.TrySetResult();
    }

    public void OnConsumerRestarting()
    {
        // A failed consumer is made anew: readiness waits for its subscription again.
        if (Interlocked.Exchange(ref _failure, null) is not null)
        {
            Volatile.Write(ref _ready, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        }
    }

    public void OnConsumerFailed(string reason)
    {
        var failure = new InvalidOperationException($"The node's consumer failed and the node cannot work: {reason}. See the log (event 1211) for the cause.");
        Volatile.Write(ref _failure, failure);
        _ready.TrySetException(failure);
    }

    public TrafficRoute Route(KafkaMessage message, out ReceiverRegistration? receiver)
    {
        receiver = null;
        switch (ClusterHeaders.Get(message, ClusterHeaders.Type))
        {
            case null:
                return TrafficRoute.NotMine;
            case ClusterHeaders.RequestType:
                receiver = RequestReceiver;
                return TrafficRoute.ToReceiver;
            default:
                HandleInline(message);
                return TrafficRoute.Handled;
        }
    }

    /// <summary>Membership and replies: the cluster's own, handled on the poll thread, never given to receivers.</summary>
    private void HandleInline(KafkaMessage message)
    {
        switch (ClusterHeaders.Get(message, ClusterHeaders.Type))
        {
            case ClusterHeaders.MemberType:
                OnAnnouncement(message);
                break;
            case ClusterHeaders.ProbeType:
                break;
            case ClusterHeaders.ReplyType when ClusterHeaders.Get(message, ClusterHeaders.CorrelationId) is { } id:
                if (_pending.TryGetValue(id, out var reply))
                {
                    reply.TrySetResult(message);
                }

                break;
            default:
                ClusterLog.Ignored(_logger, message.Topic, message.Offset ?? -1, $"unknown {ClusterHeaders.Type} '{ClusterHeaders.Get(message, ClusterHeaders.Type)}'");
                break;
        }
    }

    /// <summary>Announces this node: at start (join), periodically (alive) and at stop (leave).</summary>
    internal Task AnnounceAsync(string kind, string? toNode, CancellationToken cancellationToken)
    {
        var topics = _identity.Topics!;
        var headers = new Headers();
        ClusterHeaders.Set(headers, ClusterHeaders.Type, ClusterHeaders.MemberType);
        ClusterHeaders.Set(headers, ClusterHeaders.Event, kind);
        ClusterHeaders.Set(headers, ClusterHeaders.From, topics.NodeId);
        var info = JsonSerializer.SerializeToUtf8Bytes(new MemberInfo(topics.NodeId, topics.Layer, _startedAt.ToUnixTimeMilliseconds()), JsonSerializerOptions.Web);
        var topic = toNode is null ? topics.Broadcast : topics.NodeTopicOf(toNode);
        return _api.ProduceAsync(new KafkaMessage(topic, Encoding.UTF8.GetBytes(topics.NodeId), info) { Headers = headers }, cancellationToken);
    }

    /// <summary>Removes members silent past the timeout.</summary>
    internal void ExpireSilentMembers()
    {
        var self = _identity.Topics!.NodeId;
        var cutoff = _time.GetUtcNow() - _options.MemberTimeout;
        foreach (var member in _members.Values.Where(m => m.NodeId != self && m.LastSeen < cutoff))
        {
            if (_members.TryRemove(new KeyValuePair<string, KafkaClusterMember>(member.NodeId, member)))
            {
                ClusterLog.Left(_logger, member.NodeId, member.Layer, "silent past the member timeout");
                _syncEvents.OnNext(new KafkaClusterMemberEvent(KafkaClusterMemberEventKind.TimedOut, member));
            }
        }
    }

    /// <summary>Fails requests still waiting: the node is stopping.</summary>
    internal void CancelPendingRequests()
    {
        foreach (var pending in _pending.Values)
        {
            pending.TrySetCanceled();
        }
    }

    public void Dispose()
    {
        // The container disposes this once per service type it is registered as.
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _events.OnCompleted();
            _events.Dispose();
        }
    }

    private void OnAnnouncement(KafkaMessage message)
    {
        var topics = _identity.Topics!;
        var now = _time.GetUtcNow();
        if (message.Timestamp is { } sent && sent < now - _options.MemberTimeout)
        {
            return; // history from before this node started: says nothing about who is alive now
        }

        if (message.Value is null)
        {
            ClusterLog.Ignored(_logger, message.Topic, message.Offset ?? -1, "membership announcement without a value");
            return;
        }

        MemberInfo? info;
        try
        {
            info = JsonSerializer.Deserialize<MemberInfo>(message.Value, JsonSerializerOptions.Web);
        }
        catch (JsonException e)
        {
            ClusterLog.Ignored(_logger, message.Topic, message.Offset ?? -1, "unreadable membership announcement: " + e.Message);
            return;
        }

        if (info is null || string.IsNullOrEmpty(info.NodeId) || info.NodeId == topics.NodeId)
        {
            return;
        }

        var kind = ClusterHeaders.Get(message, ClusterHeaders.Event);
        if (kind == Leave)
        {
            if (_members.TryRemove(info.NodeId, out var gone))
            {
                ClusterLog.Left(_logger, gone.NodeId, gone.Layer, "clean shutdown");
                _syncEvents.OnNext(new KafkaClusterMemberEvent(KafkaClusterMemberEventKind.Left, gone));
            }

            return;
        }

        var member = new KafkaClusterMember(info.NodeId, info.Layer, DateTimeOffset.FromUnixTimeMilliseconds(info.StartedAt), now);
        var isNew = !_members.ContainsKey(info.NodeId);
        _members[info.NodeId] = member;
        if (isNew)
        {
            ClusterLog.Joined(_logger, member.NodeId, member.Layer);
            _syncEvents.OnNext(new KafkaClusterMemberEvent(KafkaClusterMemberEventKind.Joined, member));
        }

        if (kind == Join && IsReady)
        {
            // Tell the newcomer about this node directly, so it need not wait for the next round.
            _ = AnnounceAsync(Alive, info.NodeId, CancellationToken.None).ContinueWith(
                t => ClusterLog.AnnounceFailed(_logger, topics.NodeId, t.Exception!.GetBaseException().Message),
                CancellationToken.None,
                TaskContinuationOptions.OnlyOnFaulted,
                TaskScheduler.Default);
        }
    }

    private async Task AnswerAsync(KafkaMessage request, CancellationToken cancellationToken)
    {
        var replyTo = ClusterHeaders.Get(request, ClusterHeaders.ReplyTo);
        var correlationId = ClusterHeaders.Get(request, ClusterHeaders.CorrelationId);
        var operation = ClusterHeaders.Get(request, ClusterHeaders.Operation) ?? string.Empty;
        var from = ClusterHeaders.Get(request, ClusterHeaders.From) ?? "?";
        if (replyTo is null || correlationId is null)
        {
            ClusterLog.Ignored(_logger, request.Topic, request.Offset ?? -1, "request without reply-to or correlation id");
            return;
        }

        if (request.Timestamp is { } sent && sent < _time.GetUtcNow() - _options.RequestTimeout)
        {
            ClusterLog.Ignored(_logger, request.Topic, request.Offset ?? -1, "request older than the request timeout; its sender gave up");
            return;
        }

        byte[]? payload = null;
        string? error = null;
        if (!_handlers.Value.TryGetValue(operation, out var handlerType))
        {
            error = $"node '{_identity.Topics!.NodeId}' has no handler for operation '{operation}'";
        }
        else
        {
            try
            {
                var scope = _services.CreateAsyncScope();
                await using (scope.ConfigureAwait(false))
                {
                    var handler = (IKafkaRequestHandler)scope.ServiceProvider.GetRequiredService(handlerType);
                    payload = await handler.HandleAsync(request, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                error = $"{e.GetType().Name}: {e.Message}";
            }
        }

        if (error is not null)
        {
            ClusterLog.RequestFailed(_logger, operation, from, error);
        }

        var headers = new Headers();
        ClusterHeaders.Set(headers, ClusterHeaders.Type, ClusterHeaders.ReplyType);
        ClusterHeaders.Set(headers, ClusterHeaders.CorrelationId, correlationId);
        ClusterHeaders.Set(headers, ClusterHeaders.From, _identity.Topics!.NodeId);
        ClusterHeaders.Set(headers, ClusterHeaders.Status, error is null ? "ok" : "error");
        if (error is not null)
        {
            ClusterHeaders.Set(headers, ClusterHeaders.Error, error);
        }

        await _api.ProduceAsync(new KafkaMessage(replyTo, request.Key, payload) { Headers = headers }, cancellationToken).ConfigureAwait(false);
    }

    private sealed record MemberInfo(string NodeId, string Layer, long StartedAt);

    private sealed class RequestReceiverAdapter(KafkaCluster cluster) : IKafkaMessageReceiver
    {
        public Task ReceiveAsync(KafkaMessage message, CancellationToken cancellationToken) => cluster.AnswerAsync(message, cancellationToken);
    }

    internal static class Events
    {
        public const string JoinEvent = Join;
        public const string AliveEvent = Alive;
        public const string LeaveEvent = Leave;
    }
}

/// <summary>A request handler registered in DI for one operation.</summary>
internal sealed record RequestHandlerDescriptor(string Operation, Type Type);
