namespace KafkaConnector.Receivers;

/// <summary>
/// Pauses, resumes and restarts receivers, or all of the node's consumption, while the service runs.
/// Receivers are named by their id (<see cref="Diagnostics.KafkaReceiverStatus.Id"/>, from
/// <see cref="Diagnostics.IKafkaConnectorStatus.GetReceiverStatus"/>). Registered by <c>AddKafkaConnector</c>;
/// applications acting for a user go through <c>IKafkaConnectorApi</c>, which checks permissions first.
/// <list type="bullet">
/// <item>A pause stops fetching the partitions of the receiver's topics in its consumer: in the node's
/// group, receivers of the same topics wait with it (give a receiver a group of its own to pause it
/// alone). Nothing is skipped: what was read before the pause is handled, the rest is fetched after
/// the resume. Pauses last until resumed, across rebalances and restarts.</item>
/// <item>Pausing the node pauses every receiver; its broadcast and node topics keep flowing, so it stays
/// a member of its cluster and answers requests.</item>
/// </list>
/// </summary>
public interface IKafkaReceiverControl
{
    /// <summary>Pauses a receiver; completes once no message of its is in flight any more (the pause stays if the wait is cancelled).</summary>
    /// <exception cref="KafkaReceiverNotFoundException">No receiver has this id (an <see cref="ArgumentException"/>); the message lists the ids.</exception>
    Task PauseAsync(string receiverId, CancellationToken cancellationToken = default);

    /// <summary>Resumes a paused receiver; completes once its consumer fetches its partitions again.</summary>
    /// <exception cref="KafkaReceiverNotFoundException">No receiver has this id.</exception>
    Task ResumeAsync(string receiverId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs a receiver again that its error policy stopped: the message it stopped on is read again
    /// first. Clears its last error, and resumes it if it was paused.
    /// </summary>
    /// <exception cref="KafkaReceiverNotFoundException">No receiver has this id.</exception>
    Task RestartAsync(string receiverId, CancellationToken cancellationToken = default);

    /// <summary>Pauses every receiver of the node (not its cluster traffic); completes once nothing is in flight.</summary>
    Task PauseAllAsync(CancellationToken cancellationToken = default);

    /// <summary>Ends <see cref="PauseAllAsync"/>; receivers paused one by one stay paused.</summary>
    Task ResumeAllAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Makes the node's consumers anew, as at start (also after a fatal consumer error): each drains and
    /// commits within <c>KafkaConnector:ShutdownTimeout</c>, then rejoins its group. Stopped receivers run again.
    /// </summary>
    /// <exception cref="InvalidOperationException">The node has no identity, or is not running.</exception>
    Task RestartAllAsync(CancellationToken cancellationToken = default);
}
