using System.Diagnostics;
using System.Globalization;
using System.Text;
using Confluent.Kafka;
using KafkaConnector.Configuration;
using KafkaConnector.Diagnostics;
using KafkaConnector.Messages;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KafkaConnector.Receivers.Pipeline;

/// <summary>
/// Calls one receiver for one message: a DI scope per message for scoped and transient receivers,
/// a trace span, metrics, retries with backoff, then the dead-letter topic. Never throws for a
/// receiver's failure; throws <see cref="OperationCanceledException"/> when the work is abandoned.
/// </summary>
internal sealed class ReceiverInvoker(
    KafkaConnectorSystemApi api,
    IServiceProvider services,
    KafkaConnectorOptions options,
    KafkaConnectorMetrics metrics,
    string nodeId,
    ILogger logger)
{
    private readonly KafkaConnectorSystemApi _api = api;
    private readonly IServiceProvider _services = services;
    private readonly KafkaConnectorOptions _options = options;
    private readonly KafkaConnectorMetrics _metrics = metrics;
    private readonly string _nodeId = nodeId;
    private readonly ILogger _logger = logger;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _consecutiveDeadLetters = new(StringComparer.Ordinal);

    /// <summary>Receivers whose last messages all ended in the dead-letter topic, with how many in a row.</summary>
    public IReadOnlyDictionary<string, int> ConsecutiveDeadLetters => _consecutiveDeadLetters.Where(p => p.Value > 0).ToDictionary(p => p.Key, p => p.Value);

    private static InvalidOperationException NullTask(ReceiverRegistration registration) =>
        new($"Receiver {registration.Name} returned null from ReceiveAsync instead of a Task (return Task.CompletedTask when there is nothing to await).");

    public async Task InvokeAsync(ReceiverRegistration registration, KafkaMessage message, CancellationToken cancellationToken)
    {
        var node = _nodeId;
        var attempts = registration.IsInternal ? 1 : _options.Dispatch.MaxRetries + 1;
        using var activity = KafkaConnectorTracing.StartProcess(message.Topic, message.Partition ?? -1, message.Offset ?? -1, registration.Name, message.HasHeaders ? message.Headers : null);
        for (var attempt = 1; ; attempt++)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                if (registration.Instance is { } receiver)
                {
                    await (receiver.ReceiveAsync(message, cancellationToken) ?? throw NullTask(registration)).ConfigureAwait(false);
                }
                else
                {
                    var scope = _services.CreateAsyncScope();
                    await using (scope.ConfigureAwait(false))
                    {
                        var scoped = (IKafkaMessageReceiver)scope.ServiceProvider.GetRequiredService(registration.PerMessageType!);
                        await (scoped.ReceiveAsync(message, cancellationToken) ?? throw NullTask(registration)).ConfigureAwait(false);
                    }
                }

                _metrics.Processed(message.Topic, registration.Name, node, Stopwatch.GetElapsedTime(started), "success");
                _metrics.Consumed(message.Topic);
                if (_consecutiveDeadLetters.TryGetValue(registration.Name, out var run) && run > 0)
                {
                    _consecutiveDeadLetters.TryUpdate(registration.Name, 0, run); // a success ends a run of dead letters
                }
                return;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                _metrics.Processed(message.Topic, registration.Name, node, Stopwatch.GetElapsedTime(started), "abandoned");
                KafkaConnectorTracing.Failed(activity, "abandoned");
                throw;
            }
            catch (Exception e)
            {
                _metrics.Processed(message.Topic, registration.Name, node, Stopwatch.GetElapsedTime(started), "failure");
                _metrics.ReceiverFailed(message.Topic, registration.Name, node, e.GetType().Name);
                _metrics.CallbackFailed("receiver");
                if (attempt >= attempts)
                {
                    KafkaConnectorTracing.Failed(activity, e.GetType().Name);
                    if (!registration.IsInternal)
                    {
                        await DeadLetterAsync(registration, message, e, attempt, cancellationToken).ConfigureAwait(false);
                    }

                    return;
                }

                var delay = Backoff(attempt);
                DispatchLog.ReceiverFailed(_logger, e, registration.Name, message.Topic, message.Partition ?? -1, message.Offset ?? -1, attempt, attempts, delay);
                _metrics.Retried(message.Topic, registration.Name, node);
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task DeadLetterAsync(ReceiverRegistration registration, KafkaMessage message, Exception error, int attempts, CancellationToken cancellationToken)
    {
        var topic = message.Topic + _options.Dispatch.DeadLetterTopicSuffix;
        DispatchLog.DeadLettering(_logger, error, registration.Name, message.Topic, message.Partition ?? -1, message.Offset ?? -1, attempts, topic);
        var headers = new Headers();
        if (message.HasHeaders)
        {
            foreach (var header in message.Headers)
            {
                headers.Add(header.Key, header.GetValueBytes());
            }
        }

        var text = error.Message.Length > 1000 ? error.Message[..1000] : error.Message;
        headers.Add(DeadLetterHeaders.Receiver, Encoding.UTF8.GetBytes(registration.Name));
        headers.Add(DeadLetterHeaders.ExceptionType, Encoding.UTF8.GetBytes(error.GetType().FullName ?? error.GetType().Name));
        headers.Add(DeadLetterHeaders.ExceptionMessage, Encoding.UTF8.GetBytes(text));
        headers.Add(DeadLetterHeaders.OriginalTopic, Encoding.UTF8.GetBytes(message.Topic));
        headers.Add(DeadLetterHeaders.OriginalPartition, Encoding.UTF8.GetBytes((message.Partition ?? -1).ToString(CultureInfo.InvariantCulture)));
        headers.Add(DeadLetterHeaders.OriginalOffset, Encoding.UTF8.GetBytes((message.Offset ?? -1).ToString(CultureInfo.InvariantCulture)));
        headers.Add(DeadLetterHeaders.OriginalTimestamp, Encoding.UTF8.GetBytes((message.Timestamp?.ToUnixTimeMilliseconds() ?? -1).ToString(CultureInfo.InvariantCulture)));
        headers.Add(DeadLetterHeaders.Attempts, Encoding.UTF8.GetBytes(attempts.ToString(CultureInfo.InvariantCulture)));
        var deadLetter = new KafkaMessage(topic, message.Key, message.Value) { Headers = headers };

        for (var retry = 1; ; retry++)
        {
            try
            {
                await _api.ProduceAsync(deadLetter, cancellationToken).ConfigureAwait(false);
                _metrics.DeadLettered(message.Topic, registration.Name, _nodeId);
                _consecutiveDeadLetters.AddOrUpdate(registration.Name, 1, (_, n) => n + 1);
                DispatchLog.DeadLettered(_logger, message.Topic, message.Partition ?? -1, message.Offset ?? -1, topic);
                return;
            }
            catch (KafkaProduceException e)
            {
                // Never skip silently: the message stays uncommitted until the dead-letter write succeeds or the node stops.
                DispatchLog.DeadLetterFailed(_logger, message.Topic, message.Partition ?? -1, message.Offset ?? -1, topic, e.Message);
                await Task.Delay(Backoff(retry), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private TimeSpan Backoff(int attempt)
    {
        var delay = _options.Dispatch.RetryBackoff * Math.Pow(2, Math.Min(attempt - 1, 16));
        return delay < _options.Dispatch.MaxRetryBackoff ? delay : _options.Dispatch.MaxRetryBackoff;
    }
}
