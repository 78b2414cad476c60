using System.Collections.Concurrent;
using KafkaConnector.Messages;
using KafkaConnector.Transactions;

namespace KafkaConnector.Tests.Transactions;

/// <summary>What <see cref="TransformReceiver"/> writes to, which values fail, and what it saw.</summary>
internal sealed class TransformSettings(string output)
{
    public string Output { get; } = output;

    /// <summary>Values that throw after their output was written (so the output must be aborted).</summary>
    public Func<string, bool> Fails { get; init; } = _ => false;

    /// <summary>When set, the receiver waits on it before writing <see cref="HangOn"/>'s output.</summary>
    public TaskCompletionSource? Gate { get; init; }

    public string? HangOn { get; init; }

    public ConcurrentQueue<string> Calls { get; } = new();
}

/// <summary>Writes <c>&lt;value&gt;!</c> under the message's key to the output topic, in the transaction.</summary>
internal sealed class TransformReceiver(TransformSettings settings) : IKafkaTransactionalReceiver
{
    public async Task ReceiveAsync(KafkaMessage message, IKafkaTransactionalOutput output, CancellationToken cancellationToken)
    {
        var value = message.ValueAsString()!;
        settings.Calls.Enqueue(value);
        if (value == settings.HangOn && settings.Gate is { } gate)
        {
            await gate.Task.WaitAsync(cancellationToken);
        }

        await output.ProduceAsync(KafkaMessage.FromText(settings.Output, message.KeyAsString(), value + "!"), cancellationToken);
        if (settings.Fails(value))
        {
            throw new InvalidOperationException($"value {value} fails on purpose");
        }
    }
}
