using Microsoft.Extensions.Logging;

namespace KafkaConnector.Receivers;

/// <summary>Dispatcher log events (ids 1200–1299).</summary>
internal static partial class DispatchLog
{
    [LoggerMessage(1200, LogLevel.Information, "Node {NodeId} of layer {Layer} consuming {Topics} in group {GroupId} dispatching to at most {Parallelism} keys at once")]
    internal static partial void Started(ILogger logger, string nodeId, string layer, string topics, string groupId, int parallelism);

    [LoggerMessage(1201, LogLevel.Information, "Receivers changed: re-subscribing to {Topics}")]
    internal static partial void Resubscribing(ILogger logger, string topics);

    [LoggerMessage(1202, LogLevel.Warning, "Receiver {Receiver} failed on {Topic}[{Partition}]@{Offset} (attempt {Attempt} of {Attempts}); retrying in {Delay}")]
    internal static partial void ReceiverFailed(ILogger logger, Exception exception, string receiver, string topic, int partition, long offset, int attempt, int attempts, TimeSpan delay);

    [LoggerMessage(1203, LogLevel.Error, "Receiver {Receiver} failed on {Topic}[{Partition}]@{Offset} after {Attempts} attempt(s); the message goes to {DeadLetterTopic}")]
    internal static partial void DeadLettering(ILogger logger, Exception exception, string receiver, string topic, int partition, long offset, int attempts, string deadLetterTopic);

    [LoggerMessage(1204, LogLevel.Error, "Could not write {Topic}[{Partition}]@{Offset} to dead-letter topic {DeadLetterTopic}: {Reason}; retrying (the message stays uncommitted meanwhile)")]
    internal static partial void DeadLetterFailed(ILogger logger, string topic, int partition, long offset, string deadLetterTopic, string reason);

    [LoggerMessage(1205, LogLevel.Information, "Partitions revoked: {Partitions}; {Abandoned} in-flight message(s) abandoned (waited up to {Timeout})")]
    internal static partial void Revoked(ILogger logger, string partitions, int abandoned, TimeSpan timeout);

    [LoggerMessage(1206, LogLevel.Information, "Partitions assigned: {Partitions}")]
    internal static partial void Assigned(ILogger logger, string partitions);

    [LoggerMessage(1207, LogLevel.Warning, "Committing offsets failed: {Reason}; they are committed again later")]
    internal static partial void CommitFailed(ILogger logger, string reason);

    [LoggerMessage(1208, LogLevel.Warning, "Dispatcher stop: {Outstanding} message(s) still in flight after {Timeout}; they stay uncommitted and are read again after restart")]
    internal static partial void StopTimedOut(ILogger logger, int outstanding, TimeSpan timeout);

    [LoggerMessage(1209, LogLevel.Information, "Dispatcher stopped")]
    internal static partial void Stopped(ILogger logger);

    [LoggerMessage(1210, LogLevel.Warning, "Consume failed with {Code}: {Reason}; retrying")]
    internal static partial void ConsumeError(ILogger logger, Confluent.Kafka.ErrorCode code, string reason);

    [LoggerMessage(1211, LogLevel.Critical, "The node's consumer failed fatally ({Code}: {Reason}); receivers get nothing until the node restarts")]
    internal static partial void Fatal(ILogger logger, Confluent.Kafka.ErrorCode code, string reason);

    [LoggerMessage(1212, LogLevel.Information, "Topic {Topic}: {Outcome}")]
    internal static partial void TopicProvisioned(ILogger logger, string topic, string outcome);

    [LoggerMessage(1213, LogLevel.Warning, "Topic {Topic} exists with {Existing} partition(s), not the configured {Expected} (KafkaConnector:System:MaxConsumerThreads)")]
    internal static partial void PartitionMismatch(ILogger logger, string topic, int existing, int expected);

    [LoggerMessage(1214, LogLevel.Error, "Could not create topic {Topic}: {Reason}. The node goes on with existing or auto-created topics")]
    internal static partial void TopicCreationFailed(ILogger logger, string topic, string reason);

    [LoggerMessage(1215, LogLevel.Debug, "Paused {Count} partition(s): {InFlight} message(s) in flight")]
    internal static partial void Paused(ILogger logger, int count, int inFlight);

    [LoggerMessage(1216, LogLevel.Debug, "Resumed {Count} partition(s)")]
    internal static partial void Resumed(ILogger logger, int count);

    [LoggerMessage(1218, LogLevel.Trace, "Dispatching {Topic}[{Partition}]@{Offset} to {Receivers} receiver(s)")]
    internal static partial void Dispatching(ILogger logger, string topic, int partition, long offset, int receivers);

    [LoggerMessage(1219, LogLevel.Error, "Dispatching {Topic}[{Partition}]@{Offset} failed outside any receiver; the message stays uncommitted and is read again")]
    internal static partial void DispatchFailed(ILogger logger, Exception exception, string topic, int partition, long offset);

    [LoggerMessage(1220, LogLevel.Warning, "Reading {Topic}[{Partition}] again from offset {Offset}: a message of it failed outside any receiver")]
    internal static partial void Rewound(ILogger logger, string topic, int partition, long offset);

    [LoggerMessage(1221, LogLevel.Error, "The node's consumer did not close within {Bound}; stopping without it (its thread ends when the close returns)")]
    internal static partial void CloseTimedOut(ILogger logger, TimeSpan bound);

    [LoggerMessage(1217, LogLevel.Information, "Message {Topic}[{Partition}]@{Offset} written to dead-letter topic {DeadLetterTopic}")]
    internal static partial void DeadLettered(ILogger logger, string topic, int partition, long offset, string deadLetterTopic);

    [LoggerMessage(1240, LogLevel.Warning, "Receiver {Receiver} failed on {Topic}[{Partition}]@{Offset} after {Attempts} attempt(s): holding the partition (nothing after the message is committed) and retrying in {Delay} until it succeeds")]
    internal static partial void HoldStarted(ILogger logger, Exception exception, string receiver, string topic, int partition, long offset, int attempts, TimeSpan delay);

    [LoggerMessage(1241, LogLevel.Debug, "Receiver {Receiver} still failing on held {Topic}[{Partition}]@{Offset} (attempt {Attempt}); retrying in {Delay}")]
    internal static partial void HoldRetrying(ILogger logger, Exception exception, string receiver, string topic, int partition, long offset, int attempt, TimeSpan delay);

    [LoggerMessage(1242, LogLevel.Information, "Hold of {Topic}[{Partition}]@{Offset} by receiver {Receiver} ended after {Attempts} attempt(s) and {Duration}: {Outcome}")]
    internal static partial void HoldEnded(ILogger logger, string topic, int partition, long offset, string receiver, int attempts, TimeSpan duration, string outcome);

    [LoggerMessage(1243, LogLevel.Error, "Receiver {Receiver} stopped by its error policy after failing on {Topic}[{Partition}]@{Offset}: it gets no more messages; the message stays uncommitted and its partition held until the node restarts")]
    internal static partial void ReceiverStopped(ILogger logger, Exception exception, string receiver, string topic, int partition, long offset);

    [LoggerMessage(1244, LogLevel.Debug, "{Topic}[{Partition}]@{Offset} for receiver {Receiver} waits: its partition is held; it is read again when the hold ends")]
    internal static partial void Deferred(ILogger logger, string topic, int partition, long offset, string receiver);

    [LoggerMessage(1245, LogLevel.Information, "Reading {Topic}[{Partition}] again from offset {Offset}: the hold on it ended and messages behind the held one were left unprocessed")]
    internal static partial void RewoundAfterHold(ILogger logger, string topic, int partition, long offset);

    [LoggerMessage(1250, LogLevel.Information, "Group {GroupId} has no receivers left on this node: its consumer drains, commits and leaves the group")]
    internal static partial void GroupRetired(ILogger logger, string groupId);

    [LoggerMessage(1251, LogLevel.Warning, "Restarting the node's consumption: {Consumers} consumer(s) drain, commit and are made anew")]
    internal static partial void Restarting(ILogger logger, int consumers);

    [LoggerMessage(1252, LogLevel.Information, "{Action} {Target} on request")]
    internal static partial void Controlled(ILogger logger, string action, string target);
}
