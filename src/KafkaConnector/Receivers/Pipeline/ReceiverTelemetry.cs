using KafkaConnector.Configuration;
using System.Diagnostics;
using KafkaConnector.Diagnostics;
using KafkaConnector.Messages;
using Microsoft.Extensions.Logging;

namespace KafkaConnector.Receivers.Pipeline;

/// <summary>
/// The pipeline's outermost stage and its one listener: the message's trace span, and every
/// event of the pipeline (attempts, retries, holds, dead letters, stops) turned into metrics and logs,
/// so that the stages themselves stay short.
/// </summary>
internal sealed class ReceiverTelemetry(KafkaConnectorMetrics metrics, string nodeId, ILogger logger, SecretScrubber? scrubber = null)
{
    /// <summary>Masks the clients' secrets in text that leaves the connector (a failure's message in the receiver's status).</summary>
    public string Scrub(string text) => scrubber is null ? text : scrubber.Scrub(text);

    /// <summary>Starts the message's process span, covering all its attempts; null when no one listens.</summary>
    public static Activity? StartSpan(ReceiverRegistration registration, KafkaMessage message) =>
        KafkaConnectorTracing.StartProcess(message.Topic, message.Partition ?? -1, message.Offset ?? -1, registration.Name, message.HasHeaders ? message.Headers : null);

    public void Succeeded(ReceiverRegistration registration, KafkaMessage message, long started)
    {
        metrics.Processed(message.Topic, registration.Name, nodeId, Stopwatch.GetElapsedTime(started), "success");
        metrics.Consumed(message.Topic);
    }

    public void Abandoned(ReceiverRegistration registration, KafkaMessage message, long started, Activity? activity)
    {
        metrics.Processed(message.Topic, registration.Name, nodeId, Stopwatch.GetElapsedTime(started), "abandoned");
        KafkaConnectorTracing.Failed(activity, "abandoned");
    }

    public void Failed(ReceiverRegistration registration, KafkaMessage message, long started, Exception error)
    {
        metrics.Processed(message.Topic, registration.Name, nodeId, Stopwatch.GetElapsedTime(started), "failure");
        metrics.ReceiverFailed(message.Topic, registration.Name, nodeId, error.GetType().Name);
        metrics.CallbackFailed("receiver");
    }

    /// <summary>The message failed for good (dead-lettered, stopped, or an internal receiver's failure).</summary>
    public static void GaveUp(Activity? activity, Exception error) => KafkaConnectorTracing.Failed(activity, error.GetType().Name);

    public void Retrying(ReceiverRegistration registration, KafkaMessage message, Exception error, int attempt, int attempts, TimeSpan delay)
    {
        DispatchLog.ReceiverFailed(logger, error, registration.Name, message.Topic, message.Partition ?? -1, message.Offset ?? -1, attempt, attempts, delay);
        metrics.Retried(message.Topic, registration.Name, nodeId);
    }

    public void HoldStarted(ReceiverRegistration registration, KafkaMessage message, Exception error, int attempts, TimeSpan delay)
    {
        DispatchLog.HoldStarted(logger, error, registration.Name, message.Topic, message.Partition ?? -1, message.Offset ?? -1, attempts, delay);
        metrics.Held(message.Topic, registration.Name, nodeId);
    }

    public void HoldRetrying(ReceiverRegistration registration, KafkaMessage message, Exception error, int attempt, TimeSpan delay) =>
        DispatchLog.HoldRetrying(logger, error, registration.Name, message.Topic, message.Partition ?? -1, message.Offset ?? -1, attempt, delay);

    public void HoldEnded(ReceiverRegistration registration, KafkaMessage message, int attempts, long started, string outcome) =>
        DispatchLog.HoldEnded(logger, message.Topic, message.Partition ?? -1, message.Offset ?? -1, registration.Name, attempts, Stopwatch.GetElapsedTime(started), outcome);

    public void Deferred(ReceiverRegistration registration, KafkaMessage message) =>
        DispatchLog.Deferred(logger, message.Topic, message.Partition ?? -1, message.Offset ?? -1, registration.Name);

    public void Stopped(ReceiverRegistration registration, KafkaMessage message, Exception error)
    {
        DispatchLog.ReceiverStopped(logger, error, registration.Name, message.Topic, message.Partition ?? -1, message.Offset ?? -1);
        metrics.ReceiverStopped(message.Topic, registration.Name, nodeId);
    }

    public void DeadLettering(ReceiverRegistration registration, KafkaMessage message, Exception error, int attempts, string topic) =>
        DispatchLog.DeadLettering(logger, error, registration.Name, message.Topic, message.Partition ?? -1, message.Offset ?? -1, attempts, topic);

    public void DeadLetterFailed(KafkaMessage message, string topic, string reason) =>
        DispatchLog.DeadLetterFailed(logger, message.Topic, message.Partition ?? -1, message.Offset ?? -1, topic, reason);

    public void DeadLettered(ReceiverRegistration registration, KafkaMessage message, string topic)
    {
        metrics.DeadLettered(message.Topic, registration.Name, nodeId);
        DispatchLog.DeadLettered(logger, message.Topic, message.Partition ?? -1, message.Offset ?? -1, topic);
    }
}
