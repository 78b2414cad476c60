namespace KafkaConnector.Receivers;

internal sealed partial class KeyedWorkScheduler<TItem>
{
    /// <summary>The queued items of one key, and the running of them (pooled: one per active key).</summary>
    private sealed class KeyWork
    {
        private readonly KeyedWorkScheduler<TItem> _owner;
        private readonly Shard _shard;
        private readonly Action _onCompleted;
        private WorkKey _key;
        private bool _reserved;

        public KeyWork(KeyedWorkScheduler<TItem> owner, Shard shard)
        {
            _owner = owner;
            _shard = shard;
            _onCompleted = OnCompleted;
        }

        public Queue<TItem> Items { get; } = new();

        public void Reset(WorkKey key, bool reserved)
        {
            _key = key;
            _reserved = reserved;
        }

        /// <summary>Runs items from the head of the queue; the key holds a slot (unless reserved).</summary>
        public void Run()
        {
            TItem item;
            lock (_shard.Lock)
            {
                item = Items.Peek(); // stays queued while it runs: a new item of the key waits behind it
            }

            RunFrom(item);
        }

        private void RunFrom(TItem item)
        {
            var turn = _reserved ? int.MaxValue : Turn;
            for (var done = 1; ; done++)
            {
                var task = _owner._process(item);
                if (!task.IsCompleted)
                {
                    task.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(_onCompleted);
                    return; // resumes in OnCompleted; the slot stays taken meanwhile
                }

                if (!Finish(done >= turn, out item))
                {
                    return;
                }
            }
        }

        private void OnCompleted()
        {
            if (Finish(turnOver: false, out var next))
            {
                RunFrom(next);
            }
        }

        /// <summary>The head item finished: takes the next one, or gives the key's slot up (the key goes back in line if it has more).</summary>
        private bool Finish(bool turnOver, out TItem next)
        {
            var owner = _owner;
            var reserved = _reserved; // read first: once given up, the object may serve another key
            bool more;
            var shard = _shard;
            lock (shard.Lock)
            {
                Items.Dequeue();
                shard.Completed++;
                more = Items.Count > 0;
                if (more && !turnOver)
                {
                    next = Items.Peek();
                    return true;
                }

                if (!more)
                {
                    shard.Active.Remove(_key);
                    if (shard.Spare.Count < 64)
                    {
                        shard.Spare.Push(this); // nothing of this object is used after the lock
                    }
                }
            }

            next = default!;
            if (reserved)
            {
                return false;
            }

            if (more)
            {
                owner._ready.Enqueue(this); // back of the line, behind the other ready keys
            }

            owner.Released();
            return false;
        }
    }
}
