using Confluent.Kafka;

namespace KafkaConnector.Engine;

/// <summary>
/// Decides, for every assigned partition, whether it is paused, and applies that to the consumer.
/// <list type="bullet">
/// <item>A partition pauses when its own unfinished messages reach <c>partitionLimit</c> and resumes at
/// half: a slow or hung key holds back at most its own partition.</item>
/// <item>Every partition pauses when all unfinished messages reach <c>totalLimit</c> (memory stays
/// bounded however many partitions are slow) and resumes at half.</item>
/// <item>A held partition (<see cref="Hold"/>: a receiver's error policy holds it) stays paused, whatever
/// its load, until <see cref="Release"/> or its revocation.</item>
/// <item>Exempt partitions (the node's own topics) never pause.</item>
/// <item>After every assignment, eager or incremental, a partition's state is unknown: librdkafka keeps an
/// application pause across revoke and assign, so the next <see cref="Apply"/> pauses or resumes it
/// explicitly. State is never inferred from what the consumer was told before the rebalance.</item>
/// </list>
/// Called from the poll thread only.
/// </summary>
internal sealed class FlowController(int totalLimit, int partitionLimit, Func<TopicPartition, bool> exempt)
{
    private readonly Dictionary<TopicPartition, State> _partitions = [];
    private readonly List<TopicPartition> _toPause = [];
    private readonly List<TopicPartition> _toResume = [];
    private readonly HashSet<TopicPartition> _held = [];
    private Func<TopicPartition, bool>? _suspended;
    private readonly int _configuredTotal = totalLimit;
    private readonly int _configuredPartition = partitionLimit;
    private int _totalLimit = totalLimit;
    private int _partitionLimit = partitionLimit;
    private bool _overTotal;
    private bool _dirty;
    private long _nextScan;
    private int _paused;

    private enum State
    {
        Unknown,
        Running,
        Paused,
    }

    /// <summary>
    /// Raises the limits to at least <paramref name="total"/> and <paramref name="partition"/> (never below
    /// the configured ones): a consumer with batch receivers keeps whole batches in flight. Poll thread.
    /// </summary>
    public void AtLeast(int total, int partition)
    {
        _totalLimit = Math.Max(_configuredTotal, total);
        _partitionLimit = Math.Max(_configuredPartition, partition);
        _dirty = true;
    }

    /// <summary>Partitions paused now.</summary>
    public int PausedCount => Volatile.Read(ref _paused);

    /// <summary>Partitions held by an error policy now (paused, or paused at the next <see cref="Apply"/>).</summary>
    public int HeldCount => _held.Count;

    /// <summary>Whether <paramref name="partition"/> is paused now. Poll thread.</summary>
    public bool IsPaused(TopicPartition partition) => _partitions.TryGetValue(partition, out var state) && state == State.Paused;

    /// <summary>Whether all partitions are held back because the total limit was reached.</summary>
    public bool OverTotal => _overTotal;

    /// <summary>Partitions added to the assignment (every assignment, incremental or not).</summary>
    public void Assigned(IEnumerable<TopicPartition> partitions)
    {
        foreach (var partition in partitions)
        {
            if (_partitions.TryGetValue(partition, out var state) && state == State.Paused)
            {
                _paused--;
            }

            _partitions[partition] = State.Unknown;
            _dirty = true;
        }

        Volatile.Write(ref _paused, _paused);
    }

    /// <summary>Partitions revoked or lost.</summary>
    public void Revoked(IEnumerable<TopicPartition> partitions)
    {
        foreach (var partition in partitions)
        {
            _held.Remove(partition);
            if (_partitions.Remove(partition, out var state) && state == State.Paused)
            {
                _paused--;
            }
        }

        Volatile.Write(ref _paused, _paused);
    }

    /// <summary>
    /// Partitions paused on request while <paramref name="suspended"/> says so (a paused receiver or node),
    /// besides load and holds; null for none. Asked at every <see cref="Apply"/>; call again (or
    /// <see cref="Reconsider"/>) when its answers change. Exempt partitions are never suspended.
    /// </summary>
    public void Suspend(Func<TopicPartition, bool>? suspended)
    {
        _suspended = suspended;
        _dirty = true;
    }

    /// <summary>The next <see cref="Apply"/> looks at every partition again.</summary>
    public void Reconsider() => _dirty = true;

    /// <summary>Whether the total or the partition just read (<paramref name="lastPartitionLoad"/>) is at its limit: then flow control must run before more is read.</summary>
    public bool AtLimit(int total, int lastPartitionLoad) => total >= _totalLimit || lastPartitionLoad >= _partitionLimit;

    /// <summary>Keeps <paramref name="partition"/> paused until <see cref="Release"/> or its revocation; the next <see cref="Apply"/> pauses it. Exempt partitions are never held.</summary>
    public void Hold(TopicPartition partition)
    {
        if (_partitions.ContainsKey(partition) && !exempt(partition) && _held.Add(partition))
        {
            _dirty = true;
        }
    }

    /// <summary>Ends a <see cref="Hold"/>: the partition's load decides again at the next <see cref="Apply"/>.</summary>
    public void Release(TopicPartition partition)
    {
        if (_held.Remove(partition))
        {
            _dirty = true;
        }
    }

    /// <summary>
    /// Whether a full <see cref="Apply"/> is due, in constant time, so that the poll loop can ask after
    /// every message: after an assignment, when the total or the partition just read
    /// (<paramref name="lastPartitionLoad"/>) reached its limit, and while anything is paused, every
    /// <paramref name="rescanMs"/> milliseconds (a resume needs a scan; a pause happens where messages are read).
    /// </summary>
    public bool IsDue(int total, int lastPartitionLoad, int rescanMs = 10)
    {
        if (_dirty || total >= _totalLimit || lastPartitionLoad >= _partitionLimit)
        {
            return true;
        }

        if (_paused == 0 && !_overTotal)
        {
            return false;
        }

        var now = Environment.TickCount64;
        if (now < _nextScan)
        {
            return false;
        }

        _nextScan = now + rescanMs;
        return true;
    }

    /// <summary>
    /// Brings every partition to the state its load asks for. <paramref name="unfinished"/> gives a
    /// partition's messages read and not yet committable; <paramref name="total"/> the sum over all.
    /// </summary>
    /// <returns>How many partitions were paused and resumed.</returns>
    public (int Paused, int Resumed) Apply(IPartitionPauser consumer, int total, Func<TopicPartition, int> unfinished)
    {
        _overTotal = _overTotal ? total > _totalLimit / 2 : total >= _totalLimit;
        _dirty = false;
        foreach (var (partition, state) in _partitions)
        {
            var wanted = Wanted(partition, state, unfinished);
            if (wanted != state)
            {
                (wanted == State.Paused ? _toPause : _toResume).Add(partition);
            }
        }

        if (_toPause.Count == 0 && _toResume.Count == 0)
        {
            return (0, 0);
        }

        try
        {
            Set(consumer, _toPause, State.Paused);
            Set(consumer, _toResume, State.Running);
            return (_toPause.Count, _toResume.Count);
        }
        finally
        {
            _toPause.Clear();
            _toResume.Clear();
        }
    }

    /// <summary>
    /// Whether <see cref="Apply"/> would pause a partition that runs now. The caller may first wait a
    /// moment for the work to drain: pausing makes librdkafka drop what it fetched ahead, and after a
    /// resume it fetches nothing for a while; worth it for a slow key, not for a burst.
    /// </summary>
    public bool WouldPause(int total, Func<TopicPartition, int> unfinished)
    {
        var overTotal = _overTotal ? total > _totalLimit / 2 : total >= _totalLimit;
        foreach (var (partition, state) in _partitions)
        {
            // A hold pauses at once in Apply: it does not wait for work to drain.
            if (state != State.Paused && !exempt(partition) && !_held.Contains(partition) && _suspended?.Invoke(partition) != true && (overTotal || unfinished(partition) >= _partitionLimit))
            {
                return true;
            }
        }

        return false;
    }

    private State Wanted(TopicPartition partition, State state, Func<TopicPartition, int> unfinished)
    {
        if (exempt(partition))
        {
            return State.Running;
        }

        if (_overTotal || (_held.Count > 0 && _held.Contains(partition)) || (_suspended is { } suspended && suspended(partition)))
        {
            return State.Paused;
        }

        var load = unfinished(partition);
        var paused = state == State.Paused ? load > _partitionLimit / 2 : load >= _partitionLimit;
        return paused ? State.Paused : State.Running;
    }

    private void Set(IPartitionPauser consumer, List<TopicPartition> partitions, State state)
    {
        if (partitions.Count == 0)
        {
            return;
        }

        if (state == State.Paused)
        {
            consumer.Pause(partitions);
        }
        else
        {
            consumer.Resume(partitions);
        }

        foreach (var partition in partitions)
        {
            var before = _partitions[partition];
            _paused += (state == State.Paused ? 1 : 0) - (before == State.Paused ? 1 : 0);
            _partitions[partition] = state;
        }

        Volatile.Write(ref _paused, _paused);
    }
}
