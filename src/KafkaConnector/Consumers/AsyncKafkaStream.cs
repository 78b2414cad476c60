using System.Runtime.CompilerServices;
using KafkaConnector.Configuration;
using KafkaConnector.Diagnostics;
using KafkaConnector.Messages;
using Microsoft.Extensions.Logging;

namespace KafkaConnector.Consumers;

/// <summary>A cold async stream: every enumeration starts an <see cref="AsyncConsumerSession"/> of its own.</summary>
internal sealed class AsyncKafkaStream(
    KafkaClientFactory clients,
    KafkaConnectorMetrics metrics,
    ILogger logger,
    StreamSettings settings,
    IStreamSessionRegistry registry)
{
    /// <summary>
    /// Creates the consumer at the first <c>MoveNextAsync</c>. Each later call first marks the message
    /// the loop held as passed (committable); the loop ending any other way (break, an exception,
    /// disposal) leaves that message uncommitted. The token given here and the one of
    /// <c>WithCancellation</c> both end the enumeration with <see cref="OperationCanceledException"/>.
    /// </summary>
    public async IAsyncEnumerable<KafkaMessage> EnumerateAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var session = new AsyncConsumerSession(clients, metrics, logger, settings, registry);
        if (!registry.TryAdd(session))
        {
            throw new ObjectDisposedException(nameof(IKafkaConnectorSystemApi), "The connector has shut down.");
        }

        try
        {
            session.Start();
        }
        catch
        {
            registry.Remove(session);
            throw;
        }

        try
        {
            while (await session.ReadAsync(cancellationToken).ConfigureAwait(false) is { } item)
            {
                yield return KafkaMessage.FromConsumeResult(item.Result);
                session.Passed(item); // the loop asked for the next one: it moved past this one
            }
        }
        finally
        {
            await session.DisposeAsync().ConfigureAwait(false);
        }
    }
}
