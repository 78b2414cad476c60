using KafkaConnector.Configuration;
using KafkaConnector.Messages;

namespace KafkaConnector.Receivers.Pipeline;

/// <summary>
/// The dead-letter action: writes a failed message to <c>&lt;topic&gt;&lt;Dispatch:DeadLetterTopicSuffix&gt;</c>
/// with the original headers and the <c>kc-dlt-*</c> ones (<see cref="DeadLetterHeaders"/>). A failed
/// write is retried with backoff until it succeeds or the token fires: a message is never skipped silently.
/// </summary>
internal sealed class DeadLetterWriter(
    Func<KafkaMessage, CancellationToken, Task> produce, KafkaDispatchOptions options, ReceiverTelemetry telemetry)
{
    public async Task WriteAsync(ReceiverRegistration registration, KafkaMessage message, Exception error, int attempts, CancellationToken cancellationToken)
    {
        var topic = message.Topic + options.DeadLetterTopicSuffix;
        telemetry.DeadLettering(registration, message, error, attempts, topic);
        var deadLetter = new KafkaMessage(topic, message.Key, message.Value) { Headers = DeadLetterHeaders.For(registration.Name, message, error, attempts) };
        for (var retry = 1; ; retry++)
        {
            try
            {
                await produce(deadLetter, cancellationToken).ConfigureAwait(false);
                telemetry.DeadLettered(registration, message, topic);
                return;
            }
            catch (KafkaProduceException e)
            {
                // The message stays uncommitted until the dead-letter write succeeds or the node stops.
                telemetry.DeadLetterFailed(message, topic, e.Message);
                await Task.Delay(Backoff.Compute(options.RetryBackoff, options.MaxRetryBackoff, retry), cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
