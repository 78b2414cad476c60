using KafkaConnector.Messages;
using KafkaConnector.Receivers;

namespace KafkaConnector.FaultTests.Node;

/// <summary>Processes a message by writing "&lt;node&gt;:&lt;value&gt;" to the output topic, keyed as the message.</summary>
internal sealed class WorkReceiver(NodeOptions options, IKafkaConnectorSystemApi kafka) : IKafkaMessageReceiver
{
    public async Task ReceiveAsync(KafkaMessage message, CancellationToken cancellationToken)
    {
        var key = message.KeyAsString();
        if (key is not null && key == options.HangKey)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }

        var value = message.ValueAsString() ?? string.Empty;
        if (options.FailEvery > 0 && long.TryParse(value, out var sequence) && sequence % options.FailEvery == 0)
        {
            throw new InvalidOperationException($"value {value} fails on purpose (every {options.FailEvery}th)");
        }

        await kafka.ProduceAsync(KafkaMessage.FromText(options.Output, key, $"{options.NodeId}:{value}"), cancellationToken).ConfigureAwait(false);
    }
}
