namespace KafkaConnector.Receivers;

/// <summary>
/// Registers receivers while the node runs (the OSGi-style dynamic services of the original). A
/// receiver for a new topic starts receiving without a restart: the node re-subscribes.
/// </summary>
public interface IKafkaReceiverRegistry
{
    /// <summary>Registers <paramref name="receiver"/>; dispose the returned handle to unregister it.</summary>
    /// <param name="receiver">The receiver.</param>
    /// <param name="topicFilter">See <see cref="KafkaTopicFilter"/>.</param>
    /// <param name="keyFilter">Only this key (UTF-8), or null/<c>*</c> for every key.</param>
    /// <param name="configure">Per-receiver settings such as its error policy (<see cref="KafkaReceiverOptions.OnError"/>); null for the defaults.</param>
    /// <exception cref="ArgumentException">The filter is not valid; the message names it.</exception>
    IDisposable Register(IKafkaMessageReceiver receiver, string topicFilter, string? keyFilter = null, Action<KafkaReceiverOptions>? configure = null);

    /// <summary>Registers a batch receiver (see <see cref="IKafkaBatchReceiver"/>); dispose the returned handle to unregister it.</summary>
    /// <param name="receiver">The receiver.</param>
    /// <param name="topicFilter">See <see cref="KafkaTopicFilter"/>.</param>
    /// <param name="maxMessages">The most messages in a batch (1 to 100,000).</param>
    /// <param name="maxWait">How long after its first message a batch is handed over however few it holds (default 250 ms, at most 5 minutes).</param>
    /// <param name="configure">Per-receiver settings: error policy, group; null for the defaults.</param>
    /// <exception cref="ArgumentException">The filter is not valid; the message names it.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxMessages"/> or <paramref name="maxWait"/> is out of range.</exception>
    IDisposable RegisterBatch(IKafkaBatchReceiver receiver, string topicFilter, int maxMessages = 100, TimeSpan? maxWait = null, Action<KafkaReceiverOptions>? configure = null);
}
