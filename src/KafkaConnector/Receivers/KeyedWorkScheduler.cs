namespace KafkaConnector.Receivers;

/// <summary>
/// Runs work in parallel across keys and in order within a key. Each key with work has its own
/// FIFO while it has work; at most <c>parallelism</c> keys run at once. A key that waits (a
/// receiver retrying with backoff) holds only its own slot: other keys, and other partitions,
/// keep flowing. No thread is held by a waiting key.
/// </summary>
/// <typeparam name="TItem">The work item.</typeparam>
internal sealed class KeyedWorkScheduler<TItem>(int parallelism, Func<TItem, Task> process) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(parallelism, parallelism);
    private readonly Dictionary<WorkKey, Queue<TItem>> _active = [];
    private readonly Lock _lock = new();

    /// <summary>Keys that have queued or running work.</summary>
    public int ActiveKeys
    {
        get
        {
            lock (_lock)
            {
                return _active.Count;
            }
        }
    }

    /// <summary>
    /// Queues <paramref name="item"/> behind earlier work of the same key. The process function must not throw.
    /// <paramref name="reserved"/> work (the node's own requests) does not take one of the
    /// <c>parallelism</c> slots, so receivers hung on as many keys cannot stop the node answering.
    /// </summary>
    public void Schedule(WorkKey key, TItem item, bool reserved = false)
    {
        lock (_lock)
        {
            if (_active.TryGetValue(key, out var queue))
            {
                queue.Enqueue(item);
                return;
            }

            _active[key] = new Queue<TItem>();
        }

        // Never on the caller's thread: the caller is the poll loop, and a receiver may block.
        _ = Task.Run(() => RunAsync(key, item, reserved));
    }

    public void Dispose() => _slots.Dispose();

    private async Task RunAsync(WorkKey key, TItem first, bool reserved)
    {
        if (!reserved)
        {
            await _slots.WaitAsync().ConfigureAwait(false);
        }

        try
        {
            var item = first;
            while (true)
            {
                await process(item).ConfigureAwait(false);
                lock (_lock)
                {
                    if (!_active[key].TryDequeue(out item!))
                    {
                        _active.Remove(key);
                        return;
                    }
                }
            }
        }
        finally
        {
            if (!reserved)
            {
                _slots.Release();
            }
        }
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
