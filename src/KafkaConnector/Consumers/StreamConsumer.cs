using System.Diagnostics;
using Confluent.Kafka;
using KafkaConnector.Configuration;
using KafkaConnector.Diagnostics;
using KafkaConnector.Engine;
using Microsoft.Extensions.Logging;

namespace KafkaConnector.Consumers;

/// <summary>
/// One consumer of a stream (reactive or async) and the thread that polls it: subscribes or assigns,
/// runs the engine's <see cref="PollLoop"/> into the stream's <see cref="IStreamBuffer"/>, pauses every
/// partition while the buffer is full (<see cref="FlowController"/>) and keeps polling, so a slow reader
/// never makes it leave its group; commits the watermarks of what the reader let go of
/// (<see cref="ConsumerAssignment"/>) periodically, on revocation and on close.
/// </summary>
internal sealed class StreamConsumer : IPollHandler
{
    private readonly KafkaClientFactory _clients;
    private readonly KafkaConnectorMetrics _metrics;
    private readonly ILogger _logger;
    private readonly StreamSettings _settings;
    private readonly IStreamBuffer _buffer;
    private readonly string _callbackTag;
    private readonly CancellationToken _stopping;
    private readonly Thread _thread;
    private readonly ConsumerAssignment _assignment;
    private readonly Stopwatch _sinceCommit = new();
    private readonly Func<int> _buffered;
    private ConsumerPauser? _pauser;

    /// <param name="clients">Builds the consumer.</param>
    /// <param name="metrics">Counts partition callbacks that throw.</param>
    /// <param name="logger">The stream's logger.</param>
    /// <param name="settings">The stream's subscription and settings.</param>
    /// <param name="buffer">Where what is read goes.</param>
    /// <param name="callbackTag">The <c>kafkaconnector.callback</c> tag of a partition callback that throws.</param>
    /// <param name="threadName">The poll thread's name.</param>
    /// <param name="stopping">Ends the poll loop; the consumer then commits and closes.</param>
    /// <exception cref="InvalidOperationException">The consumer could not be created.</exception>
    public StreamConsumer(
        KafkaClientFactory clients, KafkaConnectorMetrics metrics, ILogger logger, StreamSettings settings, IStreamBuffer buffer, string callbackTag, string threadName, CancellationToken stopping)
    {
        _clients = clients;
        _metrics = metrics;
        _logger = logger;
        _settings = settings;
        _buffer = buffer;
        _callbackTag = callbackTag;
        _stopping = stopping;
        // One reader: the whole buffer is the limit, for every partition alike.
        _assignment = new ConsumerAssignment(new FlowController(settings.BufferSize, int.MaxValue, static _ => false), stopping);
        _buffered = () => buffer.Count;
        Consumer = clients.CreateConsumer(
            // Confluent.Kafka requires a group id even for assigned partitions; nothing is committed without one of the caller's.
            settings.GroupId ?? $"kafkaconnector-assign-{Guid.NewGuid():N}",
            settings.ConsumerProperties,
            builder => builder
                .SetPartitionsAssignedHandler((_, partitions) => OnAssigned(partitions))
                .SetPartitionsRevokedHandler((_, partitions) => OnRevoked(partitions.Select(p => p.TopicPartition).ToList(), commit: true))
                .SetPartitionsLostHandler((_, partitions) => OnRevoked(partitions.Select(p => p.TopicPartition).ToList(), commit: false)),
            onError: (_, error) =>
            {
                if (error.IsFatal)
                {
                    buffer.Fail(new KafkaException(error));
                }
            });
        _thread = new Thread(Poll) { IsBackground = true, Name = threadName };
    }

    public IConsumer<byte[], byte[]> Consumer { get; }

    public bool IsCurrentThread => Thread.CurrentThread == _thread;

    TimeSpan IPollHandler.PollTimeout => _settings.PollInterval;

    public void Start() => _thread.Start();

    public bool Join(TimeSpan timeout) => _thread.Join(timeout > TimeSpan.Zero ? timeout : TimeSpan.Zero);

    bool IPollHandler.BeforePoll() => true; // a fatal error stops the stream, which ends the loop

    bool IPollHandler.OnMessage(ConsumeResult<byte[], byte[]> result)
    {
        _buffer.Add(result, _assignment.For(result));
        return !_assignment.Flow.AtLimit(_buffered(), 0);
    }

    bool IPollHandler.OnConsumeError(ConsumeException error)
    {
        if (!IsTerminal(error.Error, _settings.Subscription.UsesGroup))
        {
            ConsumerLog.TransientConsumeError(_logger, _settings.Name, error.Error.Code, error.Error.Reason);
            return false;
        }

        ConsumerLog.StreamFailed(_logger, _settings.Name, error.Error.Code, error.Error.Reason);
        _buffer.Fail(error);
        return true;
    }

    void IPollHandler.AfterPoll()
    {
        var (paused, resumed) = _assignment.ApplyFlow(_pauser ??= new ConsumerPauser(Consumer), _buffered);
        if (paused > 0)
        {
            ConsumerLog.Paused(_logger, Consumer.Name, paused, _buffered());
        }

        if (resumed > 0)
        {
            ConsumerLog.Resumed(_logger, Consumer.Name, resumed);
        }

        if (_sinceCommit.Elapsed >= _settings.CommitInterval)
        {
            Commit();
            _sinceCommit.Restart();
        }
    }

    private void Poll()
    {
        var subscription = _settings.Subscription;
        try
        {
            if (subscription.UsesGroup)
            {
                Consumer.Subscribe(subscription.Pattern is { } pattern ? [pattern] : subscription.Topics);
            }
            else
            {
                EnsurePartitionsExist(_clients, subscription.Assignment);
                Consumer.Assign(subscription.Assignment);
                var partitions = subscription.Assignment.Select(a => a.TopicPartition).ToList();
                _assignment.Assigned(partitions);
                Invoke(_settings.OnPartitionsAssigned, partitions);
            }

            _sinceCommit.Start();
            PollLoop.Run(Consumer, this, _stopping);
        }
        catch (Exception e) when (e is KafkaException or InvalidOperationException)
        {
            ConsumerLog.StreamFailed(_logger, _settings.Name, (e as KafkaException)?.Error.Code ?? ErrorCode.Unknown, e.Message);
            _buffer.Fail(e);
        }
        finally
        {
            Close();
        }
    }

    /// <summary>
    /// librdkafka waits for ever on a partition its topic does not have; a stream on explicit
    /// partitions ends with <c>Local_UnknownPartition</c> instead. A topic that does not exist
    /// yet is waited for: it may be created.
    /// </summary>
    private static void EnsurePartitionsExist(KafkaClientFactory clients, IReadOnlyCollection<TopicPartitionOffset> assignment)
    {
        using var admin = clients.CreateAdminClient([new("allow.auto.create.topics", "false")]);
        foreach (var topic in assignment.GroupBy(a => a.Topic))
        {
            var metadata = admin.GetMetadata(topic.Key, TimeSpan.FromSeconds(10)).Topics.SingleOrDefault(t => t.Topic == topic.Key);
            if (metadata is null || metadata.Error.Code != ErrorCode.NoError || metadata.Partitions.Count == 0)
            {
                continue;
            }

            var missing = topic.Select(a => a.Partition.Value).Where(p => metadata.Partitions.All(m => m.PartitionId != p)).ToList();
            if (missing.Count > 0)
            {
                throw new KafkaException(new Error(ErrorCode.Local_UnknownPartition,
                    $"Topic '{topic.Key}' has {metadata.Partitions.Count} partition(s) (0 to {metadata.Partitions.Count - 1}): no partition {string.Join(", ", missing)}"));
            }
        }
    }

    /// <summary>Commits the watermarks that moved: messages the reader let go of, and every earlier one of their partition.</summary>
    private void Commit(IEnumerable<PartitionTracker>? trackers = null)
    {
        if (_settings.CommitOffsets)
        {
            _assignment.Commit(Consumer, e => ConsumerLog.CommitFailed(_logger, Consumer.Name, e.Error.Reason), trackers);
        }
    }

    private void Close()
    {
        // The reader may still hold a message: let it finish with it first, so that it is committed too.
        _buffer.WaitForReader(_settings.StopTimeout);
        PollLoop.Close(Consumer, () => Commit(), reason => ConsumerLog.CommitFailed(_logger, Consumer.Name, reason));
        _buffer.Closed();
    }

    private void OnAssigned(List<TopicPartition> partitions)
    {
        _assignment.Assigned(partitions); // pause state re-established explicitly on the next poll, kept partitions included
        Invoke(_settings.OnPartitionsAssigned, partitions);
    }

    private void OnRevoked(List<TopicPartition> partitions, bool commit)
    {
        var trackers = _assignment.Revoked(partitions); // messages of theirs still buffered are skipped
        if (commit)
        {
            Commit(trackers);
        }

        Invoke(_settings.OnPartitionsRevoked, partitions);
    }

    private void Invoke(Action<IReadOnlyList<TopicPartition>>? callback, List<TopicPartition> partitions)
    {
        try
        {
            callback?.Invoke(partitions);
        }
        catch (Exception e)
        {
            _metrics.CallbackFailed(_callbackTag);
            ConsumerLog.PartitionCallbackThrew(_logger, e, _settings.Name);
        }
    }

    /// <summary>
    /// Errors that end the stream: fatal ones, refused authorization, and, for a stream on explicit
    /// partitions, a partition the topic does not have (retrying cannot help).
    /// </summary>
    private static bool IsTerminal(Error error, bool usesGroup) =>
        error.IsFatal
        || error.Code is ErrorCode.TopicAuthorizationFailed or ErrorCode.GroupAuthorizationFailed or ErrorCode.SaslAuthenticationFailed
        || (!usesGroup && error.Code is ErrorCode.Local_UnknownPartition);
}
