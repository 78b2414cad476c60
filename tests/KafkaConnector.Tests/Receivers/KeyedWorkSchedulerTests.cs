using System.Collections.Concurrent;
using KafkaConnector.Receivers;
using KafkaConnector.Testing;

namespace KafkaConnector.Tests.Receivers;

public sealed class KeyedWorkSchedulerTests
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task SameKey_RunsInOrder_OneAtATime()
    {
        var seen = new ConcurrentQueue<int>();
        var inside = 0;
        var overlapped = false;
        using var scheduler = new KeyedWorkScheduler<int>(8, async i =>
        {
            overlapped |= Interlocked.Increment(ref inside) > 1;
            await Task.Yield();
            seen.Enqueue(i);
            Interlocked.Decrement(ref inside);
        });

        for (var i = 0; i < 500; i++)
        {
            scheduler.Schedule(new WorkKey("t", 0, 42), i);
        }

        await Eventually.UntilAsync(() => seen.Count == 500, WaitLimit, () => $"500 items, got {seen.Count}", TestContext.Current.CancellationToken);
        Assert.False(overlapped);
        Assert.Equal(Enumerable.Range(0, 500), seen);
        Assert.Equal(0, scheduler.ActiveKeys);
    }

    [Fact]
    public async Task ReservedWork_RunsWhileHungKeysHoldEverySlot()
    {
        var release = new TaskCompletionSource();
        var done = new ConcurrentQueue<string>();
        var hung = 0;
        using var scheduler = new KeyedWorkScheduler<string>(2, async item =>
        {
            if (item.StartsWith("hung", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref hung);
                await release.Task;
            }

            done.Enqueue(item);
        });
        scheduler.Schedule(new WorkKey("t", 0, 1), "hung-1");
        scheduler.Schedule(new WorkKey("t", 0, 2), "hung-2");
        await Eventually.UntilAsync(() => Volatile.Read(ref hung) == 2, WaitLimit, () => $"both hung keys to hold a slot, {hung} do", TestContext.Current.CancellationToken);
        scheduler.Schedule(new WorkKey("t", 0, 3), "waits-for-a-slot");

        scheduler.Schedule(new WorkKey("node", 0, 4), "request", reserved: true);

        await Eventually.UntilAsync(() => done.Contains("request"), WaitLimit, () => $"the reserved item to run past the hung keys; done [{string.Join(',', done)}]", TestContext.Current.CancellationToken);
        Assert.DoesNotContain("waits-for-a-slot", done); // an ordinary key still needs one of the two slots
        release.SetResult();
        await Eventually.UntilAsync(() => done.Count == 4, WaitLimit, () => $"all four, got [{string.Join(',', done)}]", TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task ABlockedKey_DoesNotBlockOtherKeys()
    {
        var release = new TaskCompletionSource();
        var done = new ConcurrentQueue<string>();
        using var scheduler = new KeyedWorkScheduler<string>(2, async item =>
        {
            if (item == "stuck")
            {
                await release.Task;
            }

            done.Enqueue(item);
        });

        scheduler.Schedule(new WorkKey("t", 0, 1), "stuck");
        scheduler.Schedule(new WorkKey("t", 0, 1), "behind-stuck");
        for (var i = 0; i < 50; i++)
        {
            scheduler.Schedule(new WorkKey("t", 1, i), $"other-{i}");
        }

        await Eventually.UntilAsync(() => done.Count == 50, WaitLimit, () => $"the 50 other keys, got {done.Count}", TestContext.Current.CancellationToken);
        Assert.DoesNotContain("behind-stuck", done);
        release.SetResult();
        await Eventually.UntilAsync(() => done.Count == 52, WaitLimit, () => "the stuck key to finish", TestContext.Current.CancellationToken);
        Assert.Equal(["stuck", "behind-stuck"], done.Skip(50));
    }

    [Fact]
    public async Task Parallelism_IsBounded()
    {
        var inside = 0;
        var max = 0;
        var gate = new TaskCompletionSource();
        var finished = 0;
        using var scheduler = new KeyedWorkScheduler<int>(3, async _ =>
        {
            var now = Interlocked.Increment(ref inside);
            int seen;
            while (now > (seen = Volatile.Read(ref max)) && Interlocked.CompareExchange(ref max, now, seen) != seen)
            {
            }

            await gate.Task;
            Interlocked.Decrement(ref inside);
            Interlocked.Increment(ref finished);
        });

        for (var k = 0; k < 10; k++)
        {
            scheduler.Schedule(new WorkKey("t", 0, k), k);
        }

        await Eventually.UntilAsync(() => Volatile.Read(ref inside) == 3, WaitLimit, () => $"3 keys running, saw {inside}", TestContext.Current.CancellationToken);
        gate.SetResult();
        await Eventually.UntilAsync(() => Volatile.Read(ref finished) == 10, WaitLimit, () => "all keys to finish", TestContext.Current.CancellationToken);
        Assert.Equal(3, max);
    }

    [Fact]
    public async Task WorkThatBlocksItsThread_GetsMoreRunners_UpToTheParallelism()
    {
        // Receivers that block (synchronous I/O, Thread.Sleep) hold a runner's thread: the scheduler
        // must start more runners than cores, else the keys beyond the core count wait behind them.
        const int Parallelism = 6;
        using var release = new ManualResetEventSlim();
        var inside = 0;
        var max = 0;
        using var scheduler = new KeyedWorkScheduler<int>(Parallelism, _ =>
        {
            var now = Interlocked.Increment(ref inside);
            int seen;
            while (now > (seen = Volatile.Read(ref max)) && Interlocked.CompareExchange(ref max, now, seen) != seen)
            {
            }

            release.Wait(WaitLimit);
            Interlocked.Decrement(ref inside);
            return Task.CompletedTask;
        });

        for (var k = 0; k < Parallelism + 4; k++)
        {
            scheduler.Schedule(new WorkKey("t", 0, k), k);
        }

        await Eventually.UntilAsync(() => Volatile.Read(ref inside) == Parallelism, WaitLimit, () => $"{Parallelism} blocked keys running at once, saw {inside}", TestContext.Current.CancellationToken);
        release.Set();
        await Eventually.UntilAsync(() => scheduler.ActiveKeys == 0, WaitLimit, () => "all keys to finish", TestContext.Current.CancellationToken);
        Assert.Equal(Parallelism, max);
    }

    [Fact]
    public async Task AKeyWithMuchWork_TakesTurns_WithOtherKeys()
    {
        // One runner (parallelism 1): a key with a long queue must not keep it until the queue is empty.
        var order = new ConcurrentQueue<string>();
        using var gate = new ManualResetEventSlim();
        using var scheduler = new KeyedWorkScheduler<string>(1, item =>
        {
            if (item == "busy-0")
            {
                gate.Wait(WaitLimit); // holds the only runner until everything is queued
            }

            order.Enqueue(item);
            return Task.CompletedTask;
        });

        var busy = KeyedWorkScheduler<string>.Turn * 3;
        for (var i = 0; i < busy; i++)
        {
            scheduler.Schedule(new WorkKey("t", 0, 1), $"busy-{i}");
        }

        scheduler.Schedule(new WorkKey("t", 0, 2), "other");
        gate.Set();
        await Eventually.UntilAsync(() => order.Count == busy + 1, WaitLimit, () => $"{busy + 1} items, got {order.Count}", TestContext.Current.CancellationToken);
        var list = order.ToList();
        Assert.Equal(KeyedWorkScheduler<string>.Turn, list.IndexOf("other")); // right after the busy key's first turn
        Assert.Equal(Enumerable.Range(0, busy).Select(i => $"busy-{i}"), list.Where(i => i != "other"));
    }

    [Fact]
    public void WorkKey_NullKeysShareThePartitionsSlot_AndKeysDiffer()
    {
        Assert.Equal(WorkKey.Of("t", 1, null), WorkKey.Of("t", 1, null));
        Assert.Equal(WorkKey.Of("t", 1, "a"u8.ToArray()), WorkKey.Of("t", 1, "a"u8.ToArray()));
        Assert.NotEqual(WorkKey.Of("t", 1, "a"u8.ToArray()), WorkKey.Of("t", 2, "a"u8.ToArray()));
        Assert.NotEqual(WorkKey.Of("t", 1, "a"u8.ToArray()), WorkKey.Of("t", 1, "b"u8.ToArray()));
    }
}
