using System.Diagnostics;
using Confluent.Kafka;
using KafkaConnector.Configuration;
using KafkaConnector.Engine;

namespace KafkaConnector.Consumers;

internal sealed partial class ReactiveConsumerSession
{
    /// <summary>One consumer of the stream and the thread that polls it.</summary>
    private sealed class Worker : IPollHandler
    {
        private readonly ReactiveConsumerSession _session;
        private readonly Thread _thread;
        private readonly ConsumerAssignment _assignment;
        private readonly Stopwatch _sinceCommit = new();
        private readonly Func<int> _buffered;
        private ConsumerPauser? _pauser;

        public Worker(ReactiveConsumerSession session, int index)
        {
            _session = session;
            // One observer: the whole buffer is the limit, for every partition alike.
            _assignment = new ConsumerAssignment(new FlowController(session._bufferSize, int.MaxValue, static _ => false), session._stop.Token);
            _buffered = () => Volatile.Read(ref session._buffered);
            Consumer = session._clients.CreateConsumer(
                // Confluent.Kafka requires a group id even for assigned partitions; nothing is committed without one of the caller's.
                session._groupId ?? $"kafkaconnector-assign-{Guid.NewGuid():N}",
                session._options.ConsumerProperties,
                builder => builder
                    .SetPartitionsAssignedHandler((_, partitions) => OnAssigned(partitions))
                    .SetPartitionsRevokedHandler((_, partitions) => OnRevoked(partitions.Select(p => p.TopicPartition).ToList(), commit: true))
                    .SetPartitionsLostHandler((_, partitions) => OnRevoked(partitions.Select(p => p.TopicPartition).ToList(), commit: false)),
                onError: (_, error) =>
                {
                    if (error.IsFatal)
                    {
                        session.Fail(new KafkaException(error));
                    }
                });
            _thread = new Thread(Poll) { IsBackground = true, Name = $"kafka-reactive-poll-{index}" };
        }

        public IConsumer<byte[], byte[]> Consumer { get; }

        public bool IsCurrentThread => Thread.CurrentThread == _thread;

        TimeSpan IPollHandler.PollTimeout => _session._pollInterval;

        public void Start() => _thread.Start();

        public bool Join(TimeSpan timeout) => _thread.Join(timeout > TimeSpan.Zero ? timeout : TimeSpan.Zero);

        bool IPollHandler.BeforePoll() => true; // a fatal error cancels the session's token

        void IPollHandler.OnMessage(ConsumeResult<byte[], byte[]> result) => _session.Enqueue(result, _assignment.For(result));

        bool IPollHandler.OnConsumeError(ConsumeException error)
        {
            var session = _session;
            if (!IsTerminal(error.Error, session._subscription.UsesGroup))
            {
                ConsumerLog.TransientConsumeError(session._logger, session._name, error.Error.Code, error.Error.Reason);
                return false;
            }

            ConsumerLog.StreamFailed(session._logger, session._name, error.Error.Code, error.Error.Reason);
            session.Fail(error);
            return true;
        }

        void IPollHandler.AfterPoll()
        {
            var (paused, resumed) = _assignment.ApplyFlow(_pauser ??= new ConsumerPauser(Consumer), _buffered);
            if (paused > 0)
            {
                ConsumerLog.Paused(_session._logger, Consumer.Name, paused, _buffered());
            }

            if (resumed > 0)
            {
                ConsumerLog.Resumed(_session._logger, Consumer.Name, resumed);
            }

            if (_sinceCommit.Elapsed >= _session._commitInterval)
            {
                Commit();
                _sinceCommit.Restart();
            }
        }

        private void Poll()
        {
            var session = _session;
            try
            {
                if (session._subscription.UsesGroup)
                {
                    Consumer.Subscribe(session._subscription.Pattern is { } pattern ? [pattern] : session._subscription.Topics);
                }
                else
                {
                    EnsurePartitionsExist(session._clients, session._subscription.Assignment);
                    Consumer.Assign(session._subscription.Assignment);
                    var partitions = session._subscription.Assignment.Select(a => a.TopicPartition).ToList();
                    _assignment.Assigned(partitions);
                    session._options.OnPartitionsAssigned?.Invoke(partitions);
                }

                _sinceCommit.Start();
                PollLoop.Run(Consumer, this, session._stop.Token);
            }
            catch (Exception e) when (e is KafkaException or InvalidOperationException)
            {
                ConsumerLog.StreamFailed(session._logger, session._name, (e as KafkaException)?.Error.Code ?? ErrorCode.Unknown, e.Message);
                session.Fail(e);
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

        /// <summary>Commits the watermarks that moved: messages <c>OnNext</c> returned from, and every earlier one of their partition.</summary>
        private void Commit(IEnumerable<PartitionTracker>? trackers = null)
        {
            if (_session._options.CommitOffsets)
            {
                _assignment.Commit(Consumer, e => ConsumerLog.CommitFailed(_session._logger, Consumer.Name, e.Error.Reason), trackers);
            }
        }

        private void Close()
        {
            // The delivery thread may still be inside OnNext: let it finish its message first.
            _session._deliveryDone.Wait(_session._stopTimeout);
            PollLoop.Close(Consumer, () => Commit(), reason => ConsumerLog.CommitFailed(_session._logger, Consumer.Name, reason));
            if (Interlocked.Decrement(ref _session._running) == 0)
            {
                ConsumerLog.StreamStopped(_session._logger, _session._name);
                _session._onStopped(_session);
            }
        }

        private void OnAssigned(List<TopicPartition> partitions)
        {
            _assignment.Assigned(partitions); // pause state re-established explicitly on the next poll, kept partitions included
            Invoke(_session._options.OnPartitionsAssigned, partitions);
        }

        private void OnRevoked(List<TopicPartition> partitions, bool commit)
        {
            var trackers = _assignment.Revoked(partitions); // messages of theirs still buffered are skipped
            if (commit)
            {
                Commit(trackers);
            }

            Invoke(_session._options.OnPartitionsRevoked, partitions);
        }

        private void Invoke(Action<IReadOnlyList<TopicPartition>>? callback, List<TopicPartition> partitions)
        {
            try
            {
                callback?.Invoke(partitions);
            }
            catch (Exception e)
            {
                _session._metrics.CallbackFailed("reactive.partitions");
                ConsumerLog.PartitionCallbackThrew(_session._logger, e, _session._name);
            }
        }

        /// <summary>
        /// Errors that end the stream with OnError: fatal ones, refused authorization, and, for a
        /// stream on explicit partitions, a partition the topic does not have (retrying cannot help).
        /// </summary>
        private static bool IsTerminal(Error error, bool usesGroup) =>
            error.IsFatal
            || error.Code is ErrorCode.TopicAuthorizationFailed or ErrorCode.GroupAuthorizationFailed or ErrorCode.SaslAuthenticationFailed
            || (!usesGroup && error.Code is ErrorCode.Local_UnknownPartition);
    }
}
