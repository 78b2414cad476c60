using KafkaConnector.Messages;
using KafkaConnector.Transactions;

namespace KafkaConnector.FaultTests.Node;

/// <summary>
/// The work of <see cref="WorkReceiver"/> in a transaction: "&lt;node&gt;:&lt;value&gt;" to the output
/// topic, keyed as the message, committed with the input's offsets. It never returns for the hang
/// value, so that the node can be killed between processing and commit.
/// </summary>
internal sealed class TransactionalWorkReceiver(NodeOptions options) : IKafkaTransactionalReceiver
{
    private int _acknowledged;

    public async Task ReceiveAsync(KafkaMessage message, IKafkaTransactionalOutput output, CancellationToken cancellationToken)
    {
        var value = message.ValueAsString() ?? string.Empty;
        if (value == options.HangValue)
        {
            Console.WriteLine($"hanging after {_acknowledged} output(s)");
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }

        await output.ProduceAsync(KafkaMessage.FromText(options.Output, message.KeyAsString(), $"{options.NodeId}:{value}"), cancellationToken).ConfigureAwait(false);
        _acknowledged++;
    }
}
