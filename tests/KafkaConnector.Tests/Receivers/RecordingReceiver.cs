using System.Collections.Concurrent;
using KafkaConnector.Messages;
using KafkaConnector.Receivers;

namespace KafkaConnector.Tests.Receivers;

/// <summary>Remembers what it received; tests read it from DI.</summary>
internal class RecordingReceiver : IKafkaMessageReceiver
{
    public ConcurrentQueue<KafkaMessage> Received { get; } = new();

    public IEnumerable<string?> Values => Received.Select(m => m.ValueAsString());

    public virtual Task ReceiveAsync(KafkaMessage message, CancellationToken cancellationToken)
    {
        Received.Enqueue(message);
        return Task.CompletedTask;
    }
}

internal sealed class BroadcastReceiver : RecordingReceiver;

internal sealed class NodeReceiver : RecordingReceiver;

internal sealed class OtherReceiver : RecordingReceiver;
