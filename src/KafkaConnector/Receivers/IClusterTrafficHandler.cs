using KafkaConnector.Messages;

namespace KafkaConnector.Receivers;

/// <summary>
/// Where the dispatcher hands the cluster's own records (membership, replies, requests): the
/// dispatcher knows only this, so data keeps flowing one way, from consumer to handler.
/// </summary>
internal interface IClusterTrafficHandler
{
    /// <summary>The internal receiver that answers requests; it runs in the dispatch lanes like any receiver.</summary>
    ReceiverRegistration RequestReceiver { get; }

    /// <summary>Handles membership announcements and replies on the poll thread; must be quick and never throw.</summary>
    void HandleInline(KafkaMessage message);

    /// <summary>The node's broadcast and node topics are assigned and positioned: messages sent from now on arrive.</summary>
    void OnSubscribed();
}
