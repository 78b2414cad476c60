using KafkaConnector.Messages;

namespace KafkaConnector.Receivers;

/// <summary>What a registered inline handler decided for a message.</summary>
internal enum TrafficRoute
{
    /// <summary>Not the handler's traffic: the dispatcher matches it to receivers.</summary>
    NotMine,

    /// <summary>Handled inline, on the poll thread; nothing to dispatch.</summary>
    Handled,

    /// <summary>The handler's own traffic, for the receiver it names, run in the dispatch lanes.</summary>
    ToReceiver,
}

/// <summary>
/// The cluster module's own records (membership, replies, requests) reach it through this handler,
/// registered by the module: the dispatcher never reads the module's headers, so data flows one
/// way, from consumer to handler.
/// </summary>
internal interface IClusterTrafficHandler
{
    /// <summary>
    /// Decides what happens to <paramref name="message"/>: handled inline (must be quick), given to
    /// <paramref name="receiver"/>, or not the cluster's. Called on the poll thread for every message.
    /// </summary>
    TrafficRoute Route(KafkaMessage message, out ReceiverRegistration? receiver);

    /// <summary>The node's broadcast and node topics are assigned and positioned: messages sent from now on arrive.</summary>
    void OnSubscribed();

    /// <summary>The node's consumer failed for good: nothing sent to the node will arrive.</summary>
    void OnConsumerFailed(string reason);

    /// <summary>The node's consumer is being made anew (a restart of its consumption): a past failure no longer holds.</summary>
    void OnConsumerRestarting();
}
