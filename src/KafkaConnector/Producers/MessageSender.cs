using System.Diagnostics;
using Confluent.Kafka;
using KafkaConnector.Diagnostics;
using KafkaConnector.Messages;
using Microsoft.Extensions.Logging;

namespace KafkaConnector.Producers;

/// <summary>
/// Hands messages to a Confluent producer and makes sure each one ends in exactly one delivery
/// result: from the broker, or a local failure (invalid message, queue full past the timeout,
/// purge at shutdown). Failures are logged and counted whether or not anyone listens.
/// </summary>
internal sealed class MessageSender(ILogger logger, KafkaConnectorMetrics metrics, TimeSpan queueFullTimeout)
{
    private static readonly TimeSpan QueueFullBackoff = TimeSpan.FromMilliseconds(5);

    /// <summary>Produces <paramref name="message"/>; <paramref name="callback"/> (if any) gets the result.</summary>
    /// <exception cref="ArgumentException">The message is not valid; nothing was sent.</exception>
    public void Send(IProducer<byte[], byte[]> producer, KafkaMessage message, Action<KafkaDeliveryResult>? callback)
    {
        MessageValidator.Validate(message);
        var confluentMessage = message.ToConfluentMessage();
        Action<DeliveryReport<byte[], byte[]>> handler = report => Complete(message, report.Partition.Value, report.Offset.Value, report.Status, report.Error, callback);
        Stopwatch? queueFullSince = null;
        while (true)
        {
            try
            {
                if (message.Partition is { } partition)
                {
                    producer.Produce(new TopicPartition(message.Topic, partition), confluentMessage, handler);
                }
                else
                {
                    producer.Produce(message.Topic, confluentMessage, handler);
                }

                metrics.Sent(message.Topic);
                return;
            }
            catch (ProduceException<byte[], byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
            {
                // Back-pressure: wait for deliveries to free room, but not forever.
                queueFullSince ??= Stopwatch.StartNew();
                if (queueFullSince.Elapsed >= queueFullTimeout)
                {
                    ProducerLog.QueueFullTimeout(logger, queueFullTimeout, message.Topic);
                    Fail(message, e.Error, callback);
                    return;
                }

                Thread.Sleep(QueueFullBackoff);
            }
            catch (ProduceException<byte[], byte[]> e)
            {
                Fail(message, e.Error, callback);
                return;
            }
        }
    }

    /// <summary>Produces and completes the task with the result; a failure throws <see cref="KafkaProduceException"/>.</summary>
    public Task<KafkaDeliveryResult> SendAsync(IProducer<byte[], byte[]> producer, KafkaMessage message, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var completion = new TaskCompletionSource<KafkaDeliveryResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        Send(producer, message, result =>
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

        // Cancelling stops the wait only: the message may still be delivered.
        return cancellationToken.CanBeCanceled ? completion.Task.WaitAsync(cancellationToken) : completion.Task;
    }

    private void Fail(KafkaMessage message, Error error, Action<KafkaDeliveryResult>? callback) =>
        Complete(message, message.Partition ?? Partition.Any.Value, Offset.Unset.Value, PersistenceStatus.NotPersisted, error, callback);

    private void Complete(KafkaMessage message, int partition, long offset, PersistenceStatus status, Error error, Action<KafkaDeliveryResult>? callback)
    {
        if (error.IsError)
        {
            metrics.DeliveryFailed(message.Topic, error.Code.ToString());
            ProducerLog.DeliveryFailed(logger, message.Topic, error.Code, error.Reason, status);
        }
        else
        {
            metrics.Delivered(message.Topic);
        }

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
            ProducerLog.CallbackThrew(logger, e, message.Topic, result.ToString());
        }
    }
}
