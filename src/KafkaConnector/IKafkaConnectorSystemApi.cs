using Confluent.Kafka;
using KafkaConnector.Consumers;
using KafkaConnector.Messages;
using KafkaConnector.Producers;
using KafkaConnector.Receivers;

namespace KafkaConnector;

/// <summary>
/// The connector's core, without permission checks: produce, create producers, producer pools and
/// consumers, and consume as reactive or async streams. A singleton whose lifetime the host owns: on
/// shutdown its producer is flushed (bounded by <c>KafkaConnector:ShutdownTimeout</c>) and its
/// streams complete; afterwards every call throws <see cref="ObjectDisposedException"/>.
/// Applications acting for a user go through <c>IKafkaConnectorApi</c>, which checks permissions.
/// </summary>
public interface IKafkaConnectorSystemApi
{
    /// <summary>
    /// Queues the message on the shared producer and returns without waiting for the broker (the
    /// <c>Enqueue</c> verb on every API: queued, not awaited). A delivery failure is logged and counted.
    /// </summary>
    /// <exception cref="ArgumentException">The message is not valid (topic name, partition); nothing was sent.</exception>
    void Enqueue(KafkaMessage message);

    /// <summary>Queues the message on the shared producer; <paramref name="callback"/> gets the delivery result, success or failure.</summary>
    /// <exception cref="ArgumentException">The message is not valid; nothing was sent.</exception>
    void Enqueue(KafkaMessage message, Action<KafkaDeliveryResult> callback);

    /// <summary>Queues the message on <paramref name="producer"/> (e.g. from <see cref="CreateProducer"/>); <paramref name="callback"/>, if any, gets the result.</summary>
    /// <exception cref="ArgumentException">The message is not valid; nothing was sent.</exception>
    void Enqueue(KafkaMessage message, IProducer<byte[], byte[]> producer, Action<KafkaDeliveryResult>? callback);

    /// <summary>Produces on the shared producer and completes when the broker acknowledged the message (the <c>Produce</c> verb on every API: awaited delivery).</summary>
    /// <exception cref="KafkaProduceException">The message was not delivered; the result says why.</exception>
    /// <remarks>Cancelling stops the wait, not the delivery.</remarks>
    Task<KafkaDeliveryResult> ProduceAsync(KafkaMessage message, CancellationToken cancellationToken = default);

    /// <summary>A new producer built from the configuration, owned (and disposed) by the caller. Never null.</summary>
    /// <param name="clientId">The <c>client.id</c>, or null for the configured one.</param>
    /// <exception cref="InvalidOperationException">The client could not be created; the message says why.</exception>
    IProducer<byte[], byte[]> CreateProducer(string? clientId = null);

    /// <summary>A pool of <paramref name="size"/> producers used in turn; owned by the caller, who disposes it to flush.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="size"/> is below 1 or above 64.</exception>
    IKafkaProducerPool CreateProducerPool(int size);

    /// <summary>
    /// A new consumer built from the configuration, owned by the caller. Offsets are not
    /// committed automatically (<c>enable.auto.commit=false</c> by default): commit what you processed.
    /// </summary>
    /// <param name="groupId">The consumer group.</param>
    /// <param name="properties">Native properties that win over configuration for this consumer.</param>
    IConsumer<byte[], byte[]> CreateConsumer(string groupId, IReadOnlyDictionary<string, string>? properties = null);

    /// <summary>
    /// A cold stream of messages: each subscription owns its consumer(s), which start on
    /// <c>Subscribe</c> and close within the shutdown timeout when the subscription is disposed.
    /// Offsets of messages whose <c>OnNext</c> returned are committed (at-least-once) unless
    /// <see cref="KafkaReactiveConsumeOptions.CommitOffsets"/> is false. Fatal errors end the
    /// stream with <c>OnError</c>; transient ones are logged and retried.
    /// </summary>
    /// <param name="groupId">The consumer group; required for topic and pattern subscriptions and for committing offsets.</param>
    /// <param name="subscription">Topics, a pattern, or explicit partitions.</param>
    /// <param name="options">Per-stream settings, or null for the configured ones.</param>
    IObservable<KafkaMessage> ConsumeReactive(string? groupId, KafkaSubscription subscription, KafkaReactiveConsumeOptions? options = null);

    /// <summary>
    /// A cold stream of messages for <c>await foreach</c>: each enumeration owns one consumer, created
    /// at the first <c>MoveNextAsync</c> and closed (within the shutdown timeout) when the enumeration
    /// is disposed. A message's offset is committed once the loop moved past it, that is once the loop
    /// asked for the next message (at-least-once), unless <see cref="KafkaConsumeStreamOptions.CommitOffsets"/>
    /// is false. The message the loop holds when it ends by <c>break</c>, <c>return</c> or an exception is
    /// not committed: the group reads it again. Messages of one partition arrive in order.
    /// </summary>
    /// <param name="groupId">The consumer group; required for topic and pattern subscriptions and for committing offsets.</param>
    /// <param name="subscription">Topics, a pattern, or explicit partitions.</param>
    /// <param name="options">Per-enumeration settings, or null for the configured ones.</param>
    /// <param name="cancellationToken">
    /// Ends the enumeration: <c>MoveNextAsync</c> throws <see cref="OperationCanceledException"/>, as
    /// <c>ChannelReader.ReadAllAsync</c> does. A token given through <c>WithCancellation</c> works alike.
    /// </param>
    /// <returns>
    /// The stream. From <c>MoveNextAsync</c>: the connector's shutdown ends the enumeration (it returns
    /// false); a fatal or authorization error, or a partition the topic does not have, is thrown
    /// (<see cref="KafkaException"/>); so are a consumer that cannot be created
    /// (<see cref="InvalidOperationException"/>) and an enumeration started after shutdown
    /// (<see cref="ObjectDisposedException"/>).
    /// </returns>
    /// <exception cref="ArgumentException">No group id where one is needed, or an option out of range: thrown at the call, naming the argument.</exception>
    IAsyncEnumerable<KafkaMessage> ConsumeAsync(string? groupId, KafkaSubscription subscription, KafkaConsumeStreamOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Registers a receiver while the node runs; dispose the handle to unregister it. A receiver
    /// for a topic the node does not consume yet starts receiving without a restart.
    /// </summary>
    /// <param name="receiver">The receiver.</param>
    /// <param name="topicFilter">Names, <c>{broadcast}</c>, <c>{node}</c> or <c>regex:…</c> (see <see cref="KafkaTopicFilter"/>).</param>
    /// <param name="keyFilter">Only this key (UTF-8), or null/<c>*</c> for every key, null keys included.</param>
    /// <param name="configure">Per-receiver settings such as its error policy (<see cref="KafkaReceiverOptions.OnError"/>); null for the defaults.</param>
    /// <exception cref="ArgumentException">The filter is not valid; the message names it.</exception>
    /// <exception cref="InvalidOperationException">The node has no identity (<c>KafkaConnector:Layer</c>, <c>NodeId</c>), so no dispatcher runs.</exception>
    IDisposable RegisterReceiver(IKafkaMessageReceiver receiver, string topicFilter, string? keyFilter = null, Action<KafkaReceiverOptions>? configure = null);

    /// <summary>Registers a batch receiver while the node runs (see <see cref="IKafkaBatchReceiver"/>); dispose the handle to unregister it.</summary>
    /// <param name="receiver">The receiver.</param>
    /// <param name="topicFilter">See <see cref="KafkaTopicFilter"/>.</param>
    /// <param name="maxMessages">The most messages in a batch (1 to 100,000).</param>
    /// <param name="maxWait">The batch's time bound after its first message (default 250 ms, at most 5 minutes).</param>
    /// <param name="configure">Per-receiver settings: error policy, group; null for the defaults.</param>
    /// <exception cref="ArgumentException">The filter is not valid; the message names it.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxMessages"/> or <paramref name="maxWait"/> is out of range.</exception>
    /// <exception cref="InvalidOperationException">The node has no identity, so no dispatcher runs.</exception>
    IDisposable RegisterBatchReceiver(IKafkaBatchReceiver receiver, string topicFilter, int maxMessages = 100, TimeSpan? maxWait = null, Action<KafkaReceiverOptions>? configure = null);
}
