namespace KafkaConnector.Receivers;

/// <summary>The runners: how many there are, when another one starts, and the loop each runs.</summary>
internal sealed partial class KeyedWorkScheduler<TItem>
{
    private void AddRunnerIfNeeded()
    {
        while (true)
        {
            var runners = Volatile.Read(ref _runners);
            if (runners >= _freeRunners || Volatile.Read(ref _taken) >= _parallelism)
            {
                // Another thread would only compete with runners that make progress; the timer looks
                // at whether they do.
                ArmRecheck();
                return;
            }

            if (Interlocked.CompareExchange(ref _runners, runners + 1, runners) == runners)
            {
                ThreadPool.UnsafeQueueUserWorkItem(static s => s.RunReadyKeys(), this, preferLocal: false);
                return;
            }
        }
    }

    /// <summary>
    /// Every <see cref="RecheckInterval"/> while keys wait: if the runners finished fewer than
    /// <see cref="Turn"/> items each since the last look, they are blocked in their work (or it is
    /// slow): up to <see cref="MaxRampUp"/> more runners start, each on a thread of its own, since a
    /// pool whose threads are blocked grows slowly.
    /// </summary>
    private void Recheck()
    {
        Volatile.Write(ref _recheckArmed, 0);
        if (_ready.IsEmpty || Volatile.Read(ref _disposed))
        {
            return;
        }

        var completed = 0L;
        foreach (var shard in _shards)
        {
            completed += Volatile.Read(ref shard.Completed);
        }

        var progress = completed - _completedAtRecheck;
        _completedAtRecheck = completed;
        // Blocked: up to MaxRampUp more at a time (no more than keys wait), each on a thread of its own.
        var wanted = progress < (long)Turn * Math.Max(Volatile.Read(ref _runners), 1) ? Math.Min(_ready.Count, MaxRampUp) : 0;
        for (var started = 0; started < wanted;)
        {
            var runners = Volatile.Read(ref _runners);
            if (runners >= _parallelism || Volatile.Read(ref _taken) >= _parallelism)
            {
                break;
            }

            if (Interlocked.CompareExchange(ref _runners, runners + 1, runners) == runners)
            {
                new Thread(static s => ((KeyedWorkScheduler<TItem>)s!).RunReadyKeys()) { IsBackground = true, Name = "kafka-dispatch-runner" }.Start(this);
                started++;
            }
        }

        ArmRecheck();
    }

    private void ArmRecheck()
    {
        if (Volatile.Read(ref _recheckArmed) == 0 && !Volatile.Read(ref _disposed) && Interlocked.Exchange(ref _recheckArmed, 1) == 0)
        {
            lock (_recheck) // against Dispose: a disposed timer cannot be armed
            {
                if (!_disposed)
                {
                    _recheck.Change(RecheckInterval, Timeout.InfiniteTimeSpan);
                }
            }
        }
    }

    private void RunReadyKeys()
    {
        while (true)
        {
            while (TryTakeSlot())
            {
                if (!_ready.TryDequeue(out var work))
                {
                    Interlocked.Decrement(ref _taken);
                    break;
                }

                work.Run();
            }

            Interlocked.Decrement(ref _runners);
            // A key made ready after the last look and before the decrement saw this runner still running.
            if (_ready.IsEmpty || Volatile.Read(ref _taken) >= _parallelism || !TryRejoin())
            {
                return;
            }
        }
    }

    private bool TryTakeSlot()
    {
        while (true)
        {
            var taken = Volatile.Read(ref _taken);
            if (taken >= _parallelism)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _taken, taken + 1, taken) == taken)
            {
                return true;
            }
        }
    }

    private bool TryRejoin()
    {
        while (true)
        {
            var runners = Volatile.Read(ref _runners);
            if (runners >= _parallelism)
            {
                return false; // another runner takes it
            }

            if (Interlocked.CompareExchange(ref _runners, runners + 1, runners) == runners)
            {
                return true;
            }
        }
    }

    /// <summary>A slot was given back (a key ran dry or used its turn): a waiting key may take it.</summary>
    private void Released()
    {
        Interlocked.Decrement(ref _taken);
        if (!_ready.IsEmpty)
        {
            AddRunnerIfNeeded();
        }
    }
}
