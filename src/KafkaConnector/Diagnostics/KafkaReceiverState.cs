namespace KafkaConnector.Diagnostics;

/// <summary>Where a receiver stands (<see cref="KafkaReceiverStatus.State"/>).</summary>
public enum KafkaReceiverState
{
    /// <summary>Its consumer has not joined its group yet: nothing is delivered.</summary>
    Starting,

    /// <summary>It gets its topics' messages.</summary>
    Running,

    /// <summary>Paused on request (the receiver, or all of the node's consumption): its partitions are not fetched until resumed.</summary>
    Paused,

    /// <summary>Its error policy stopped it: it gets nothing, its failed message stays uncommitted, until it is restarted.</summary>
    Stopped,

    /// <summary>Its consumer failed (a fatal consumer error): nothing is delivered until the node's consumption is restarted.</summary>
    Failed,
}
