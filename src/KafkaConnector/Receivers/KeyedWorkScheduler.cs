using System.Collections.Concurrent;

namespace KafkaConnector.Receivers;

/// <summary>
/// Runs work in parallel across keys and in order within a key, with at most <c>parallelism</c>
/// keys running at once. A key that waits (a receiver awaiting I/O, or retrying with backoff)
/// holds its slot but no thread: other keys, and other partitions, keep flowing.
/// <list type="bullet">
/// <item>Each key with work has its own FIFO (<see cref="KeyWork"/>). Its next item starts only
/// when the one before it finished.</item>
/// <item>Runners (thread-pool work items) take ready keys in turn and run up to <see cref="Turn"/>
/// items of each. While items complete synchronously a runner goes straight on, so handing a
/// message over costs a queue operation, not a thread wake-up.</item>
/// <item>When an item does not complete synchronously its key is set aside and resumes where the
/// item completes; the runner takes the next key.</item>
/// <item>There are as many runners as cores, on the thread pool; more, up to <c>parallelism</c>,
/// only while keys wait and the runners are slow to finish items (receivers that block their
/// thread): see <see cref="Recheck"/>.</item>
/// </list>
/// </summary>
/// <typeparam name="TItem">The work item.</typeparam>
internal sealed partial class KeyedWorkScheduler<TItem> : IDisposable
{
    /// <summary>How many items of one key a runner runs before it lets the next ready key have a turn.</summary>
    internal const int Turn = 16;

    /// <summary>How many runners one look may add while the runners are blocked.</summary>
    private const int MaxRampUp = 4;

    /// <summary>How often the scheduler looks at whether blocked runners need help while keys wait.</summary>
    internal static readonly TimeSpan RecheckInterval = TimeSpan.FromMilliseconds(2);

    private readonly int _parallelism;
    private readonly int _freeRunners;
    private readonly Func<TItem, Task> _process;
    /// <summary>Keys are spread over shards, each with its own lock: the poll thread adding work and the runners finishing it rarely meet.</summary>
    private const int ShardCount = 16;

    private readonly Shard[] _shards = [.. Enumerable.Range(0, ShardCount).Select(_ => new Shard())];
    private readonly ConcurrentQueue<KeyWork> _ready = new();
    private readonly List<KeyWork> _deferred = [];
    private int _runners;
    private int _taken;
    private long _completedAtRecheck;
    private readonly Timer _recheck;
    private int _recheckArmed;
    private bool _disposed;

    /// <param name="parallelism">At most this many keys run (or wait inside their work) at once.</param>
    /// <param name="process">Runs one item; must not throw.</param>
    public KeyedWorkScheduler(int parallelism, Func<TItem, Task> process)
    {
        _parallelism = parallelism;
        _freeRunners = Math.Min(parallelism, Environment.ProcessorCount);
        _process = process;
        _recheck = new Timer(static s => ((KeyedWorkScheduler<TItem>)s!).Recheck(), this, Timeout.Infinite, Timeout.Infinite);
    }

    /// <summary>Keys that have queued or running work.</summary>
    public int ActiveKeys
    {
        get
        {
            var count = 0;
            foreach (var shard in _shards)
            {
                lock (shard.Lock)
                {
                    count += shard.Active.Count;
                }
            }

            return count;
        }
    }

    /// <summary>
    /// Queues <paramref name="item"/> behind earlier work of the same key.
    /// <paramref name="reserved"/> work (the node's own requests) runs outside the <c>parallelism</c>
    /// slots, so receivers hung on as many keys cannot stop the node answering.
    /// A <paramref name="deferred"/> key that becomes ready waits for <see cref="Flush"/>: the poll
    /// thread hands a batch of messages over at once (one caller only: the deferred keys are its own).
    /// </summary>
    public void Schedule(WorkKey key, TItem item, bool reserved = false, bool deferred = false)
    {
        KeyWork? work;
        var shard = _shards[(key.Partition * 31 + key.KeyHash) & (ShardCount - 1)];
        lock (shard.Lock)
        {
            if (shard.Active.TryGetValue(key, out work))
            {
                work.Items.Enqueue(item);
                return;
            }

            work = shard.Spare.TryPop(out var spare) ? spare : new KeyWork(this, shard);
            work.Reset(key, reserved);
            work.Items.Enqueue(item);
            shard.Active[key] = work;
        }

        if (reserved)
        {
            // Never on the caller's thread: the caller is the poll loop, and the work may block.
            ThreadPool.UnsafeQueueUserWorkItem(static w => w.Run(), work, preferLocal: false);
            return;
        }

        if (deferred)
        {
            _deferred.Add(work);
            return;
        }

        _ready.Enqueue(work);
        AddRunnerIfNeeded();
    }

    /// <summary>Makes the keys deferred by <see cref="Schedule"/> ready, and starts a runner if needed.</summary>
    public void Flush()
    {
        if (_deferred.Count == 0)
        {
            return;
        }

        foreach (var work in _deferred)
        {
            _ready.Enqueue(work);
        }

        _deferred.Clear();
        AddRunnerIfNeeded();
    }

    /// <summary>Starts another runner if keys wait and the running ones are blocked (also checked on a timer).</summary>
    public void Tick()
    {
        if (!_ready.IsEmpty)
        {
            AddRunnerIfNeeded();
        }
    }

    public void Dispose()
    {
        lock (_recheck)
        {
            Volatile.Write(ref _disposed, true);
            _recheck.Dispose();
        }
    }

    /// <summary>The active keys of one shard, and spare key queues for reuse.</summary>
    private sealed class Shard
    {
        public Lock Lock { get; } = new();

        public Dictionary<WorkKey, KeyWork> Active { get; } = [];

        public Stack<KeyWork> Spare { get; } = new();

        /// <summary>Items finished, counted under <see cref="Lock"/>.</summary>
        public long Completed;
    }
}

/// <summary>What orders work: topic, partition and a hash of the key (a collision only serialises two keys).</summary>
internal readonly record struct WorkKey(string Topic, int Partition, int KeyHash)
{
    public static WorkKey Of(string topic, int partition, byte[]? key)
    {
        if (key is null)
        {
            return new WorkKey(topic, partition, 0); // messages without a key keep partition order
        }

        var hash = new HashCode();
        hash.AddBytes(key);
        return new WorkKey(topic, partition, hash.ToHashCode());
    }
}
