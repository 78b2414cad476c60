using System.Reactive.Disposables;
using KafkaConnector.Configuration;
using KafkaConnector.Diagnostics;
using KafkaConnector.Messages;
using Microsoft.Extensions.Logging;

namespace KafkaConnector.Consumers;

/// <summary>A cold observable: every <c>Subscribe</c> starts a <see cref="ReactiveConsumerSession"/> of its own.</summary>
internal sealed class ReactiveKafkaStream(
    KafkaClientFactory clients,
    KafkaConnectorMetrics metrics,
    ILogger logger,
    StreamSettings settings,
    int consumers,
    IStreamSessionRegistry registry) : IObservable<KafkaMessage>
{
    public IDisposable Subscribe(IObserver<KafkaMessage> observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        var session = new ReactiveConsumerSession(clients, metrics, logger, observer, settings, consumers, registry.Remove);
        if (!registry.TryAdd(session))
        {
            observer.OnError(new ObjectDisposedException(nameof(IKafkaConnectorSystemApi), "The connector has shut down."));
            return Disposable.Empty;
        }

        try
        {
            session.Start();
        }
        catch (InvalidOperationException e)
        {
            registry.Remove(session);
            observer.OnError(e);
            return Disposable.Empty;
        }

        return session;
    }
}
