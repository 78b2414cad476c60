using System.Collections.Concurrent;
using KafkaConnector.Messages;
using KafkaConnector.Receivers;

namespace KafkaConnector.Tests.Receivers;

/// <summary>Holds every message until <see cref="Open"/>; records the values it finished (duplicates allowed: at-least-once).</summary>
internal sealed class GatedReceiver : IKafkaMessageReceiver
{
    private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ConcurrentDictionary<string, int> Finished { get; } = new(StringComparer.Ordinal);

    private int _entered;

    public int Entered => Volatile.Read(ref _entered);

    public void Open() => _gate.TrySetResult();

    public async Task ReceiveAsync(KafkaMessage message, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _entered);
        await _gate.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        Finished.AddOrUpdate(message.ValueAsString()!, 1, (_, n) => n + 1);
    }
}
