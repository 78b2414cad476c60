using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace KafkaConnector.Transactions;

/// <summary>Transactional receiver log events (ids 1400–1499), category <see cref="Category"/>.</summary>
internal static partial class TransactionLog
{
    public const string Category = "KafkaConnector.Transactions";

    [LoggerMessage(1400, LogLevel.Information, "Transactional receiver {Receiver} consuming {Topics} in group {GroupId} with transactional.id {TransactionalId}")]
    public static partial void Started(ILogger logger, string receiver, string topics, string groupId, string transactionalId);

    [LoggerMessage(1401, LogLevel.Debug, "Receiver {Receiver} committed a transaction of {Messages} message(s) and {Outputs} output(s) in {Duration}: {Offsets}")]
    public static partial void Committed(ILogger logger, string receiver, int messages, int outputs, TimeSpan duration, string offsets);

    [LoggerMessage(1402, LogLevel.Warning, "Receiver {Receiver} aborted a transaction of {Messages} message(s) ({Reason}); nothing it wrote is visible, its partitions are read again from {RewindPoints}")]
    public static partial void Aborted(ILogger logger, string receiver, int messages, string reason, string rewindPoints);

    [LoggerMessage(1403, LogLevel.Warning, "Receiver {Receiver} failed on {Topic}[{Partition}]@{Offset} (attempt {Attempt}); its transaction is aborted and processed again in {Delay}")]
    public static partial void Retrying(ILogger logger, Exception exception, string receiver, string topic, int partition, long offset, int attempt, TimeSpan delay);

    [LoggerMessage(1404, LogLevel.Error, "Receiver {Receiver} failed on {Topic}[{Partition}]@{Offset} after {Attempts} attempt(s); the next transaction writes the message to {DeadLetterTopic}")]
    public static partial void DeadLettering(ILogger logger, Exception exception, string receiver, string topic, int partition, long offset, int attempts, string deadLetterTopic);

    [LoggerMessage(1405, LogLevel.Information, "Message {Topic}[{Partition}]@{Offset} written to dead-letter topic {DeadLetterTopic} in receiver {Receiver}'s transaction")]
    public static partial void DeadLettered(ILogger logger, string topic, int partition, long offset, string deadLetterTopic, string receiver);

    [LoggerMessage(1406, LogLevel.Error, "Receiver {Receiver} stopped by its error policy after failing on {Topic}[{Partition}]@{Offset}: nothing is committed past it and its partitions stay paused until the node restarts")]
    public static partial void StoppedByPolicy(ILogger logger, Exception exception, string receiver, string topic, int partition, long offset);

    [LoggerMessage(1407, LogLevel.Critical, "Transactional receiver {Receiver} failed fatally ({Code}: {Reason}){Fenced}; it consumes nothing until the node restarts")]
    public static partial void Fatal(ILogger logger, string receiver, ErrorCode code, string reason, string fenced);

    [LoggerMessage(1408, LogLevel.Information, "Receiver {Receiver}: partitions {Outcome}: {Partitions}")]
    public static partial void Rebalanced(ILogger logger, string receiver, string outcome, string partitions);

    [LoggerMessage(1409, LogLevel.Warning, "Receiver {Receiver}: {Operation} failed with {Code} ({Reason}); trying again")]
    public static partial void CallRetrying(ILogger logger, string receiver, string operation, ErrorCode code, string reason);

    [LoggerMessage(1410, LogLevel.Warning, "Receiver {Receiver}: consume failed with {Code}: {Reason}; retrying")]
    public static partial void ConsumeError(ILogger logger, string receiver, ErrorCode code, string reason);

    [LoggerMessage(1411, LogLevel.Warning, "Receiver {Receiver}: could not seek {Partition} back to offset {Offset}: {Reason}")]
    public static partial void SeekFailed(ILogger logger, string receiver, string partition, long offset, string reason);

    [LoggerMessage(1412, LogLevel.Information, "Transactional receiver {Receiver} stopped")]
    public static partial void Stopped(ILogger logger, string receiver);

    [LoggerMessage(1413, LogLevel.Warning, "Transactional receiver {Receiver}: the message in progress did not finish within {Timeout}; its token fired and its transaction is aborted")]
    public static partial void StopTimedOut(ILogger logger, string receiver, TimeSpan timeout);

    [LoggerMessage(1414, LogLevel.Error, "Transactional receiver {Receiver} did not stop within {Bound}; going on without it (its thread ends when its clients return)")]
    public static partial void CloseTimedOut(ILogger logger, string receiver, TimeSpan bound);

    [LoggerMessage(1415, LogLevel.Warning, "Receiver {Receiver}: closing its consumer failed: {Reason}")]
    public static partial void CloseFailed(ILogger logger, string receiver, string reason);
}
