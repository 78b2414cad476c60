namespace KafkaConnector.Receivers;

/// <summary>
/// Pauses asked for at runtime, for one receiver or for all of the node's consumption, shared by the
/// node's dispatchers: each keeps the partitions of the paused receivers' topics (or, for the node,
/// every partition but those of its own broadcast and node topics, so that it stays a cluster member)
/// paused, and acknowledges each change once its poll thread applied it (<see cref="Version"/>).
/// </summary>
internal sealed class ConsumptionControl
{
    private volatile bool _nodePaused;
    private int _version;

    /// <summary>Whether all of the node's consumption is paused.</summary>
    public bool NodePaused => _nodePaused;

    /// <summary>Grows with every change; a dispatcher that applied version N applied every change before it.</summary>
    public int Version => Volatile.Read(ref _version);

    /// <summary>Pauses or resumes <paramref name="receiver"/>, or the whole node when null; returns the version to wait for.</summary>
    public int Set(ReceiverRegistration? receiver, bool paused)
    {
        if (receiver is null)
        {
            _nodePaused = paused;
        }
        else
        {
            receiver.IsPaused = paused;
        }

        return Interlocked.Increment(ref _version);
    }
}
