using System.Text;
using KafkaConnector.AspNetCore.WebSockets;
using KafkaConnector.AspNetCore.WebSockets.Internal;
using KafkaConnector.Cluster;
using KafkaConnector.Configuration;
using KafkaConnector.Consumers;
using KafkaConnector.Messages;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KafkaConnector.AspNetCore.Channels.Internal;

/// <summary>
/// Carries channel commands between the nodes: writes them to the channel topic keyed by channel id,
/// reads the whole topic (a group of its own per start, from the beginning) to rebuild the channels'
/// state, and delivers the outcome of each command to the sockets open on this node.
/// </summary>
internal sealed class ChannelBroker : IHostedService, IObserver<KafkaMessage>, IDisposable
{
    private readonly IKafkaConnectorSystemApi _kafka;
    private readonly IKafkaCluster _cluster;
    private readonly IKafkaTopicProvisioner _provisioner;
    private readonly KafkaChannelOptions _options;
    private readonly int _replication;
    private readonly ILogger _logger;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stopping = new();
    private readonly DateTimeOffset _startedAt = DateTimeOffset.UtcNow;
    private IDisposable? _subscription;
    private Task _starting = Task.CompletedTask;

    public ChannelBroker(
        IKafkaConnectorSystemApi kafka, IKafkaCluster cluster, IKafkaTopicProvisioner provisioner, IOptions<KafkaChannelOptions> options, IOptions<KafkaConnectorOptions> connector, ILoggerFactory loggers)
    {
        _kafka = kafka;
        _cluster = cluster;
        _provisioner = provisioner;
        _options = options.Value;
        _replication = connector.Value.System.ReplicationFactor;
        _logger = loggers.CreateLogger(ChannelLog.Category);
        Topic = _options.Topic ?? $"{cluster.Topics.Prefix}layer_{cluster.Topics.Layer}_channels";
    }

    public string Topic { get; }

    public string NodeId => _cluster.Topics.NodeId;

    public ChannelState State { get; } = new();

    public ChannelConnections Connections { get; } = new();

    /// <summary>Completes when this node reads the channel topic.</summary>
    public Task Ready => _ready.Task;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _starting = Task.Run(() => StartReadingAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _starting.ConfigureAwait(false);
        await Task.Run(() => Interlocked.Exchange(ref _subscription, null)?.Dispose(), CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>Writes a command whose sender and origin the endpoint set.</summary>
    public Task PublishAsync(KafkaChannelMessage command, CancellationToken cancellationToken)
    {
        var key = Encoding.UTF8.GetBytes(command.Params[ChannelState.ChannelId]);
        return _kafka.ProduceAsync(new KafkaMessage(Topic, key, ChannelEnvelope.ToJson(command)), cancellationToken);
    }

    public void OnNext(KafkaMessage value)
    {
        if (value.Value is null || !ChannelEnvelope.TryParse(value.Value, out var command, out _) || command!.Params is null)
        {
            ChannelLog.Unreadable(_logger, value.Topic, value.Partition, value.Offset);
            return;
        }

        var outcome = State.Apply(command);

        // Records from before this node started only rebuild the state: their sockets were elsewhere, or gone.
        if (value.Timestamp is { } written && written < _startedAt.AddSeconds(-1))
        {
            return;
        }

        foreach (var delivery in outcome.Deliveries)
        {
            var frame = new KafkaWebSocketFrame(ChannelEnvelope.ToJson(delivery.Message), System.Net.WebSockets.WebSocketMessageType.Text);
            foreach (var user in delivery.Users)
            {
                foreach (var connection in Connections.OfUser(user))
                {
                    Send(connection, frame);
                }
            }
        }

        if (outcome.Error is { } error
            && command.Params.GetValueOrDefault(ChannelEnvelope.OriginNode) == NodeId
            && Connections.Get(command.Params.GetValueOrDefault(ChannelEnvelope.OriginConnection) ?? "") is { } origin)
        {
            var refusal = ChannelEnvelope.Error(command.Cmd, command.Params.GetValueOrDefault(ChannelState.ChannelId), error);
            Send(origin, new KafkaWebSocketFrame(ChannelEnvelope.ToJson(refusal), System.Net.WebSockets.WebSocketMessageType.Text));
        }
    }

    public void OnError(Exception error) => ChannelLog.StreamFailed(_logger, Topic, error);

    public void OnCompleted()
    {
    }

    public void Dispose() => _stopping.Dispose();

    /// <summary>The broker never waits for one client: a full queue closes that socket as too slow.</summary>
    internal void Send(WebSocketConnection connection, KafkaWebSocketFrame frame)
    {
        if (!connection.Queue.TryEnqueue(frame) && !connection.Closing.IsCancellationRequested)
        {
            ChannelLog.SlowClient(_logger);
            connection.Fail(new KafkaWebSocketSlowClientException(connection.Queue.Capacity, TimeSpan.Zero));
        }
    }

    private async Task StartReadingAsync(CancellationToken cancellationToken)
    {
        try
        {
            var result = await _provisioner.EnsureTopicAsync(Topic, _options.Partitions, _replication, cancellationToken).ConfigureAwait(false);
            if (result.Outcome == TopicProvisionOutcome.Failed)
            {
                ChannelLog.TopicNotCreated(_logger, Topic, result.Error);
            }

            var group = $"{_cluster.Topics.GroupId}_channels_{Guid.NewGuid():N}";
            var options = new KafkaReactiveConsumeOptions
            {
                CommitOffsets = false,
                OnPartitionsAssigned = _ => _ready.TrySetResult(),
                ConsumerProperties = { ["auto.offset.reset"] = "earliest" },
            };
            _subscription = _kafka.ConsumeReactive(group, KafkaSubscription.ToTopics(Topic), options).Subscribe(this);
            ChannelLog.Started(_logger, Topic, group);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }
}
