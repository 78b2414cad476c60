using KafkaConnector.Benchmarks.Infrastructure;
using KafkaConnector.Messages;
using KafkaConnector.Receivers;

namespace KafkaConnector.Benchmarks.Scenarios;

/// <summary>
/// The 1 ms of work per message in the parallel scenarios, identical on both sides. On this
/// machine <c>await Task.Delay(1)</c> takes about 4.4 ms (the runtime's timer is coarse here: see
/// docs/performance.md), so the work is <c>Thread.Sleep(1)</c> (1.1 ms) on a pool thread: like
/// awaiting an I/O call, it frees the caller while it waits.
/// </summary>
internal static class SimulatedWork
{
    public static Task OneMillisecondAsync() => Task.Run(static () => Thread.Sleep(1));
}

/// <summary>A receiver with a no-op body that only counts.</summary>
internal sealed class CountingReceiver(ArrivalClock clock) : IKafkaMessageReceiver
{
    public Task ReceiveAsync(KafkaMessage message, CancellationToken cancellationToken)
    {
        clock.Arrived();
        return Task.CompletedTask;
    }
}

/// <summary>A batch receiver with a no-op body that only counts.</summary>
internal sealed class CountingBatchReceiver(ArrivalClock clock) : IKafkaBatchReceiver
{
    /// <summary>The group it shares its work in, or null for the node's.</summary>
    public string? Group { get; init; }

    public Task ReceiveAsync(IReadOnlyList<KafkaMessage> messages, CancellationToken cancellationToken)
    {
        clock.Arrived(messages.Count);
        return Task.CompletedTask;
    }
}

/// <summary>A receiver that awaits 1 ms of work (<see cref="SimulatedWork"/>), then counts.</summary>
internal sealed class SlowReceiver(ArrivalClock clock) : IKafkaMessageReceiver
{
    public async Task ReceiveAsync(KafkaMessage message, CancellationToken cancellationToken)
    {
        await SimulatedWork.OneMillisecondAsync();
        clock.Arrived();
    }
}

/// <summary>A receiver that blocks its caller for 1 ms (synchronous work), then counts.</summary>
internal sealed class BlockingReceiver(ArrivalClock clock) : IKafkaMessageReceiver
{
    public Task ReceiveAsync(KafkaMessage message, CancellationToken cancellationToken)
    {
        Thread.Sleep(1);
        clock.Arrived();
        return Task.CompletedTask;
    }
}
