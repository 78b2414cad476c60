namespace KafkaConnector.Consumers;

/// <summary>How many messages a stream's buffer holds, and the most it held at once; any thread.</summary>
internal sealed class BufferCount
{
    private int _count;
    private int _max;

    public int Value => Volatile.Read(ref _count);

    public int Max => Volatile.Read(ref _max);

    public void Increment()
    {
        var count = Interlocked.Increment(ref _count);
        int max;
        while (count > (max = Volatile.Read(ref _max)) && Interlocked.CompareExchange(ref _max, count, max) != max)
        {
        }
    }

    public void Decrement() => Interlocked.Decrement(ref _count);
}
