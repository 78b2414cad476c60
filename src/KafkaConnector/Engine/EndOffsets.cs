using System.Collections.Concurrent;
using Confluent.Kafka;

namespace KafkaConnector.Engine;

/// <summary>
/// The start and end (low and high watermarks) of partitions a consumer does not fetch now (paused, or
/// not yet fetched), asked from the
/// brokers in the background: librdkafka learns a partition's end from its fetches only, so a paused
/// partition's lag would otherwise stand still. One refresh at a time, at most once a second; the poll
/// thread never waits for it, and waits for the last one (bounded) before the consumer closes.
/// </summary>
internal sealed class EndOffsets(Action<Exception> failed)
{
    private static readonly TimeSpan QueryTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<TopicPartition, WatermarkOffsets> _ends = new();
    private Task _refresh = Task.CompletedTask;
    private long _next;

    /// <summary>The start and end last asked for, or null.</summary>
    public WatermarkOffsets? Of(TopicPartition partition) => _ends.TryGetValue(partition, out var offsets) ? offsets : null;

    /// <summary>Poll thread: starts a refresh of <paramref name="partitions"/> unless one runs or the last was under a second ago.</summary>
    public void RefreshIfDue(IConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions)
    {
        var now = Environment.TickCount64;
        if (partitions.Count == 0 || !_refresh.IsCompleted || now < _next)
        {
            return;
        }

        _next = now + (long)Interval.TotalMilliseconds;
        _refresh = Task.Run(() =>
        {
            foreach (var partition in partitions)
            {
                try
                {
                    _ends[partition] = consumer.QueryWatermarkOffsets(partition, QueryTimeout);
                }
                catch (Exception e) when (e is KafkaException or ObjectDisposedException)
                {
                    failed(e);
                    return;
                }
            }
        });
    }

    /// <summary>Forgets partitions no longer owned.</summary>
    public void Retain(IEnumerable<TopicPartition> owned)
    {
        var keep = owned.ToHashSet();
        foreach (var partition in _ends.Keys.Where(p => !keep.Contains(p)))
        {
            _ends.TryRemove(partition, out _);
        }
    }

    /// <summary>Before the consumer closes: the refresh running, if any, ends first (bounded by its query timeout).</summary>
    public void Settle() => _refresh.Wait(QueryTimeout + QueryTimeout);
}
