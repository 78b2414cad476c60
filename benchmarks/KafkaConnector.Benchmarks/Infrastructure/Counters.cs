using System.Diagnostics;
using System.Globalization;
using KafkaConnector.Benchmarks.Harness;

namespace KafkaConnector.Benchmarks.Infrastructure;

/// <summary>Counts delivery reports, from any thread, and lets a caller wait for a total.</summary>
internal sealed class DeliveryCounter
{
    private long _delivered;
    private long _failed;
    private long _target = long.MaxValue;
    private TaskCompletionSource? _reached;

    public long Failed => Volatile.Read(ref _failed);

    public void Report(bool failed)
    {
        if (failed)
        {
            Interlocked.Increment(ref _failed);
        }

        if (Interlocked.Increment(ref _delivered) == Volatile.Read(ref _target))
        {
            _reached!.TrySetResult();
        }
    }

    public Task WaitForAsync(long total, TimeSpan timeout)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _reached = reached;
        Volatile.Write(ref _target, total);
        if (Volatile.Read(ref _delivered) >= total)
        {
            reached.TrySetResult();
        }

        return Waits.ForAsync(reached.Task, timeout, () => $"{total} delivery reports, got {Volatile.Read(ref _delivered)}");
    }
}

/// <summary>
/// Times the arrival of messages on the consuming side, from any thread: when the first one came,
/// when the allocation window opened, and when the last one came. The allocation window starts at
/// a quarter of the messages, when consumers are running steadily, and ends with the last one.
/// </summary>
internal sealed class ArrivalClock
{
    private readonly long _target;
    private readonly long _windowStart;
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _count;
    private long _firstTicks;
    private long _lastTicks;
    private long _allocAtWindowStart;
    private long _allocAtEnd;

    public ArrivalClock(long target)
    {
        _target = target;
        _windowStart = Math.Max(1, target / 4);
    }

    public long Count => Volatile.Read(ref _count);

    public Task Done => _done.Task;

    /// <summary><paramref name="count"/> messages at once (a batch).</summary>
    public void Arrived(int count)
    {
        var after = Interlocked.Add(ref _count, count);
        var before = after - count;
        if (before == 0)
        {
            _firstTicks = Stopwatch.GetTimestamp();
        }

        if (before < _windowStart && after >= _windowStart)
        {
            _allocAtWindowStart = GC.GetTotalAllocatedBytes(precise: true);
        }

        if (before < _target && after >= _target)
        {
            _lastTicks = Stopwatch.GetTimestamp();
            _allocAtEnd = GC.GetTotalAllocatedBytes(precise: true);
            _done.TrySetResult();
        }
    }

    public void Arrived()
    {
        var n = Interlocked.Increment(ref _count);
        if (n == 1)
        {
            _firstTicks = Stopwatch.GetTimestamp();
        }

        if (n == _windowStart)
        {
            _allocAtWindowStart = GC.GetTotalAllocatedBytes(precise: true);
        }

        if (n == _target)
        {
            _lastTicks = Stopwatch.GetTimestamp();
            _allocAtEnd = GC.GetTotalAllocatedBytes(precise: true);
            _done.TrySetResult();
        }
    }

    public Task WaitAsync(TimeSpan timeout) => Waits.ForAsync(Done, timeout, () => $"{_target} messages, got {Count}");

    /// <summary>
    /// <c>rate</c>: messages per second from <paramref name="startTicks"/> to the last arrival;
    /// <c>steady</c>: from the first arrival to the last; <c>first_ms</c>: start to first arrival;
    /// <c>alloc</c>: bytes allocated in the process per message in the allocation window.
    /// </summary>
    public Measurement Measure(long startTicks) => new()
    {
        ["rate"] = _target / Stopwatch.GetElapsedTime(startTicks, _lastTicks).TotalSeconds,
        ["steady"] = (_target - 1) / Stopwatch.GetElapsedTime(_firstTicks, _lastTicks).TotalSeconds,
        ["first_ms"] = Stopwatch.GetElapsedTime(startTicks, _firstTicks).TotalMilliseconds,
        ["alloc"] = (double)(_allocAtEnd - _allocAtWindowStart) / (_target - _windowStart),
    };
}

internal static class Waits
{
    public static async Task ForAsync(Task task, TimeSpan timeout, Func<string> expected)
    {
        try
        {
            await task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException(string.Create(CultureInfo.InvariantCulture, $"Waited {timeout.TotalSeconds:0} s for {expected()}"));
        }
    }

    /// <summary>Runs <paramref name="body"/> on a dedicated thread.</summary>
    public static Task OnThread(string name, Action body)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                body();
                done.SetResult();
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        })
        { IsBackground = true, Name = name };
        thread.Start();
        return done.Task;
    }

    /// <summary>Runs <paramref name="body"/> on a dedicated thread, as a consumer's poll loop runs.</summary>
    public static Task<T> OnThread<T>(string name, Func<T> body)
    {
        var result = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                result.SetResult(body());
            }
            catch (Exception e)
            {
                result.SetException(e);
            }
        })
        { IsBackground = true, Name = name };
        thread.Start();
        return result.Task;
    }
}
