using System.Diagnostics;
using Confluent.Kafka;
using KafkaConnector.Diagnostics;
using KafkaConnector.Messages;
using Microsoft.Extensions.Logging;

namespace KafkaConnector.Producers;

/// <summary>
/// Hands messages to a Confluent producer and makes sure each one ends in exactly one delivery
/// result: from the broker, or a local failure (invalid message, queue full past the timeout,
/// purge at shutdown). Failures are logged and counted whether or not anyone listens. Each send
/// is traced (a Producer span whose context travels in the headers) and timed.
/// </summary>
internal sealed class MessageSender
{
    private static readonly TimeSpan QueueFullBackoff = TimeSpan.FromMilliseconds(5);

    private readonly ILogger _logger;
    private readonly KafkaConnectorMetrics _metrics;
    private readonly TimeSpan _queueFullTimeout;

    public MessageSender(ILogger logger, KafkaConnectorMetrics metrics, TimeSpan queueFullTimeout)
    {
        _logger = logger;
        _metrics = metrics;
        _queueFullTimeout = queueFullTimeout;
    }

    /// <summary>Produces <paramref name="message"/>; <paramref name="callback"/> (if any) gets the result.</summary>
    /// <exception cref="ArgumentException">The message is not valid; nothing was sent.</exception>
    public void Send(IProducer<byte[], byte[]> producer, KafkaMessage message, Action<KafkaDeliveryResult>? callback)
    {
        var delivery = new PendingDelivery(this, message, callback);
        Stopwatch? queueFullSince = null;
        while (!delivery.TryProduce(producer))
        {
            // Back-pressure: wait for deliveries to free room, but not forever.
            queueFullSince ??= Stopwatch.StartNew();
            if (queueFullSince.Elapsed >= _queueFullTimeout)
            {
                delivery.FailQueueFull();
                return;
            }

            Thread.Sleep(QueueFullBackoff);
        }
    }

    /// <summary>
    /// Produces and completes the task with the result; a failure throws <see cref="KafkaProduceException"/>.
    /// A full local queue is waited out asynchronously, never by blocking the caller's thread.
    /// </summary>
    public async Task<KafkaDeliveryResult> SendAsync(IProducer<byte[], byte[]> producer, KafkaMessage message, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var completion = new TaskCompletionSource<KafkaDeliveryResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var delivery = new PendingDelivery(this, message, result =>
        {
            if (result.IsSuccess)
            {
                completion.TrySetResult(result);
            }
            else
            {
                completion.TrySetException(new KafkaProduceException(result));
            }
        });

        Stopwatch? queueFullSince = null;
        while (!delivery.TryProduce(producer))
        {
            queueFullSince ??= Stopwatch.StartNew();
            if (queueFullSince.Elapsed >= _queueFullTimeout)
            {
                delivery.FailQueueFull();
                break;
            }

            await Task.Delay(QueueFullBackoff, cancellationToken).ConfigureAwait(false);
        }

        // Cancelling stops the wait only: the message may still be delivered.
        return await completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One message on its way: the state its delivery report needs, in one object.</summary>
    private sealed class PendingDelivery
    {
        private readonly MessageSender _sender;
        private readonly KafkaMessage _message;
        private readonly Action<KafkaDeliveryResult>? _callback;
        private readonly Message<byte[], byte[]> _confluentMessage;
        private readonly Action<DeliveryReport<byte[], byte[]>> _onDelivered;
        private readonly Activity? _activity;
        private readonly long _started;

        public PendingDelivery(MessageSender sender, KafkaMessage message, Action<KafkaDeliveryResult>? callback)
        {
            MessageValidator.Validate(message);
            _sender = sender;
            _message = message;
            _callback = callback;
            _activity = KafkaConnectorTracing.StartPublish(message.Topic);
            if (_activity is not null || Activity.Current is not null)
            {
                KafkaConnectorTracing.Inject(_activity, message.Headers);
            }

            _confluentMessage = message.ToConfluentMessage();
            _onDelivered = report => Complete(report.Partition.Value, report.Offset.Value, report.Status, report.Error);
            _started = sender._metrics.ProduceDurationEnabled ? Stopwatch.GetTimestamp() : 0; // the clock only when durations are listened to
        }

        /// <summary>Hands the message to the producer; false when its local queue is full.</summary>
        public bool TryProduce(IProducer<byte[], byte[]> producer)
        {
            try
            {
                if (_message.Partition is { } partition)
                {
                    producer.Produce(new TopicPartition(_message.Topic, partition), _confluentMessage, _onDelivered);
                }
                else
                {
                    producer.Produce(_message.Topic, _confluentMessage, _onDelivered);
                }

                _sender._metrics.Sent(_message.Topic);
                return true;
            }
            catch (ProduceException<byte[], byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
            {
                return false;
            }
            catch (ProduceException<byte[], byte[]> e)
            {
                Fail(e.Error);
                return true;
            }
        }

        public void FailQueueFull()
        {
            ProducerLog.QueueFullTimeout(_sender._logger, _sender._queueFullTimeout, _message.Topic);
            Fail(new Error(ErrorCode.Local_QueueFull, $"The producer's local queue stayed full for {_sender._queueFullTimeout}."));
        }

        private void Fail(Error error) =>
            Complete(_message.Partition ?? Partition.Any.Value, Offset.Unset.Value, PersistenceStatus.NotPersisted, error);

        private void Complete(int partition, long offset, PersistenceStatus status, Error error)
        {
            var metrics = _sender._metrics;
            if (_started != 0)
            {
                metrics.ProduceCompleted(_message.Topic, Stopwatch.GetElapsedTime(_started), error.IsError ? error.Code.ToString() : null);
            }

            if (error.IsError)
            {
                metrics.DeliveryFailed(_message.Topic, error.Code.ToString());
                ProducerLog.DeliveryFailed(_sender._logger, _message.Topic, error.Code, error.Reason, status);
                KafkaConnectorTracing.Failed(_activity, error.Code.ToString());
            }
            else
            {
                metrics.Delivered(_message.Topic);
                _activity?.SetTag("messaging.destination.partition.id", partition);
                _activity?.SetTag("messaging.kafka.offset", offset);
            }

            _activity?.Dispose();
            if (_callback is null)
            {
                return;
            }

            var result = new KafkaDeliveryResult(_message, partition, offset, status, error);
            try
            {
                _callback(result);
            }
            catch (Exception e)
            {
                // A throwing callback must not take down librdkafka's delivery thread.
                metrics.CallbackFailed("delivery");
                ProducerLog.CallbackThrew(_sender._logger, e, _message.Topic, result.ToString());
            }
        }
    }
}
