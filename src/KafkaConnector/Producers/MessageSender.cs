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
    private readonly System.Collections.Concurrent.ConcurrentQueue<PendingDelivery> _pool = new();
    private int _pooled;

    /// <summary>Deliveries kept for reuse: enough for bursts, bounded so that a burst does not pin memory.</summary>
    private const int MaxPooled = 4096;

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
        var delivery = Rent(message, callback);
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
        var delivery = Rent(message, result =>
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

    private PendingDelivery Rent(KafkaMessage message, Action<KafkaDeliveryResult>? callback)
    {
        MessageValidator.Validate(message); // before anything is taken from the pool
        if (_pool.TryDequeue(out var delivery))
        {
            Interlocked.Decrement(ref _pooled);
        }
        else
        {
            delivery = new PendingDelivery(this);
        }

        delivery.Start(message, callback);
        return delivery;
    }

    /// <summary>A delivery whose report came is reused: it and its Confluent message and handler cost nothing per message.</summary>
    private void Return(PendingDelivery delivery)
    {
        if (Volatile.Read(ref _pooled) < MaxPooled)
        {
            Interlocked.Increment(ref _pooled);
            _pool.Enqueue(delivery);
        }
    }

    /// <summary>One message on its way: the state its delivery report needs, in one object, reused once the report came.</summary>
    private sealed class PendingDelivery
    {
        private readonly MessageSender _sender;
        private readonly Message<byte[], byte[]> _confluentMessage = new();
        private readonly Action<DeliveryReport<byte[], byte[]>> _onDelivered;
        private KafkaMessage _message = null!;
        private Action<KafkaDeliveryResult>? _callback;
        private Activity? _activity;
        private long _started;

        public PendingDelivery(MessageSender sender)
        {
            _sender = sender;
            _onDelivered = report => Complete(report.Partition.Value, report.Offset.Value, report.Status, report.Error);
        }

        public void Start(KafkaMessage message, Action<KafkaDeliveryResult>? callback)
        {
            _message = message;
            _callback = callback;
            _activity = KafkaConnectorTracing.StartPublish(message.Topic);
            if (_activity is not null || Activity.Current is not null)
            {
                KafkaConnectorTracing.Inject(_activity, message.Headers);
            }

            message.CopyTo(_confluentMessage);
            _started = _sender._metrics.ProduceDurationEnabled ? Stopwatch.GetTimestamp() : 0;
        }

        /// <summary>Hands the message to the producer; false when its local queue is full.</summary>
        public bool TryProduce(IProducer<byte[], byte[]> producer)
        {
            var message = _message; // read first: a report can come, and the object be reused, before Produce returns
            try
            {
                if (message.Partition is { } partition)
                {
                    producer.Produce(new TopicPartition(message.Topic, partition), _confluentMessage, _onDelivered);
                }
                else
                {
                    producer.Produce(message.Topic, _confluentMessage, _onDelivered);
                }

                _sender._metrics.Sent(message.Topic);
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
            var sender = _sender;
            var metrics = sender._metrics;
            var message = _message;
            var callback = _callback;
            var activity = _activity;
            if (_started != 0)
            {
                metrics.ProduceCompleted(message.Topic, Stopwatch.GetElapsedTime(_started), error.IsError ? error.Code.ToString() : null);
            }

            // Nothing of this object is used past here: it serves the next message.
            _message = null!;
            _callback = null;
            _activity = null;
            _confluentMessage.Key = null!;
            _confluentMessage.Value = null!;
            _confluentMessage.Headers = null;
            sender.Return(this);

            if (error.IsError)
            {
                metrics.DeliveryFailed(message.Topic, error.Code.ToString());
                ProducerLog.DeliveryFailed(sender._logger, message.Topic, error.Code, error.Reason, status);
                KafkaConnectorTracing.Failed(activity, error.Code.ToString());
            }
            else
            {
                metrics.Delivered(message.Topic);
                activity?.SetTag("messaging.destination.partition.id", partition);
                activity?.SetTag("messaging.kafka.offset", offset);
            }

            activity?.Dispose();
            if (callback is null)
            {
                return;
            }

            var result = new KafkaDeliveryResult(message, partition, offset, status, error);
            try
            {
                callback(result);
            }
            catch (Exception e)
            {
                // A throwing callback must not take down librdkafka's delivery thread.
                metrics.CallbackFailed("delivery");
                ProducerLog.CallbackThrew(sender._logger, e, message.Topic, result.ToString());
            }
        }
    }
}
