namespace KafkaConnector.Diagnostics;

/// <summary>A snapshot of the node's dispatcher, from <see cref="IKafkaConnectorStatus.GetDispatcherStatus"/>.</summary>
public sealed class KafkaDispatcherStatus
{
    /// <summary>A snapshot as the connector takes it; public so that tests can stand in for <see cref="IKafkaConnectorStatus"/>.</summary>
    /// <param name="isRunning">See <see cref="IsRunning"/>.</param>
    /// <param name="hasStopped">See <see cref="HasStopped"/>.</param>
    /// <param name="fatalError">See <see cref="FatalError"/>.</param>
    /// <param name="sinceLastPoll">See <see cref="SinceLastPoll"/>.</param>
    /// <param name="stalledAfter">See <see cref="StalledAfter"/>.</param>
    /// <param name="inFlight">See <see cref="InFlight"/>.</param>
    /// <param name="consecutiveDeadLetters">See <see cref="ConsecutiveDeadLetters"/>.</param>
    /// <param name="isReady">See <see cref="IsReady"/>.</param>
    public KafkaDispatcherStatus(
        bool isRunning, bool hasStopped, string? fatalError, TimeSpan sinceLastPoll, TimeSpan stalledAfter, int inFlight, IReadOnlyDictionary<string, int> consecutiveDeadLetters, bool isReady)
    {
        IsReady = isReady;
        IsRunning = isRunning;
        HasStopped = hasStopped;
        FatalError = fatalError;
        SinceLastPoll = sinceLastPoll;
        StalledAfter = stalledAfter;
        InFlight = inFlight;
        ConsecutiveDeadLetters = consecutiveDeadLetters;
    }

    /// <summary>Whether the dispatcher was started: false when the node has no identity (<c>KafkaConnector:Layer</c>, <c>NodeId</c>) and no receivers.</summary>
    public bool IsRunning { get; }

    /// <summary>
    /// Whether the node's consumer has had its broadcast and node topics assigned at least once:
    /// until then nothing sent to the node arrives (it is starting, or cannot reach the brokers).
    /// </summary>
    public bool IsReady { get; }

    /// <summary>Whether the dispatcher's consume loop has ended (the host stopped it, or a fatal error did).</summary>
    public bool HasStopped { get; }

    /// <summary>The fatal consumer error that ended the loop, as <c>code reason</c>, or null.</summary>
    public string? FatalError { get; }

    /// <summary>Time since the consume loop last polled.</summary>
    public TimeSpan SinceLastPoll { get; }

    /// <summary>
    /// How long the loop may go without polling before it counts as stalled: a poll can legitimately
    /// wait in a rebalance callback for <c>Dispatch:RevocationTimeout</c>.
    /// </summary>
    public TimeSpan StalledAfter { get; }

    /// <summary>Whether the loop runs but has not polled for longer than <see cref="StalledAfter"/>.</summary>
    public bool IsStalled => IsRunning && !HasStopped && SinceLastPoll > StalledAfter;

    /// <summary>Messages handed to receivers and not yet finished.</summary>
    public int InFlight { get; }

    /// <summary>For each receiver that dead-lettered its last messages, how many in a row (receivers at 0 are left out).</summary>
    public IReadOnlyDictionary<string, int> ConsecutiveDeadLetters { get; }

    /// <summary>
    /// Receivers their error policy stopped (<c>KafkaErrorPolicy.ThenStop</c>): they get no more
    /// messages, and the message they failed on stays uncommitted until the node restarts.
    /// </summary>
    public IReadOnlyList<string> StoppedReceivers { get; init; } = [];

    /// <summary>Partitions held by receivers' error policies: not fetched until the held message succeeds (or, for a stopped receiver, until restart).</summary>
    public int HeldPartitions { get; init; }
}
