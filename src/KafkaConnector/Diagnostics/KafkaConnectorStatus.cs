using Confluent.Kafka;
using KafkaConnector.Configuration;
using KafkaConnector.Receivers;

namespace KafkaConnector.Diagnostics;

/// <summary>Reads the dispatcher's counters and asks the brokers through one admin client, made on first use.</summary>
internal sealed class KafkaConnectorStatus(KafkaDispatcher dispatcher, KafkaClientFactory clients) : IKafkaConnectorStatus, IDisposable
{
    private static readonly TimeSpan BrokerTimeout = TimeSpan.FromSeconds(5);

    // Asking for a topic's metadata must never create it, whatever the broker allows.
    private readonly Lazy<IAdminClient> _admin = new(() => clients.CreateAdminClient([new("allow.auto.create.topics", "false")]));

    public async Task<KafkaBrokerStatus> GetBrokerStatusAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            // Metadata for one topic name (never ListConsumerGroups, which the embedded broker does not survive):
            // the answer lists the brokers without listing every topic.
            var metadata = await Task.Run(() => _admin.Value.GetMetadata("__kafkaconnector_health", BrokerTimeout), cancellationToken).ConfigureAwait(false);
            return new KafkaBrokerStatus(metadata.Brokers.Count, metadata.OriginatingBrokerName, error: null);
        }
        catch (KafkaException e)
        {
            return new KafkaBrokerStatus(0, answeredBy: null, $"{e.Error.Code} {e.Error.Reason}");
        }
    }

    public KafkaDispatcherStatus GetDispatcherStatus()
    {
        var options = clients.Options;
        var stalledAfter = options.Dispatch.RevocationTimeout + (options.System.PollInterval * 3) + TimeSpan.FromSeconds(10);
        var fatal = dispatcher.FatalError is { } error ? $"{error.Code} {error.Reason}" : null;
        return new KafkaDispatcherStatus(
            dispatcher.IsRunning, dispatcher.HasStopped, fatal, dispatcher.SinceLastPoll, stalledAfter, dispatcher.InFlight, dispatcher.ConsecutiveDeadLetters, dispatcher.IsReady)
        {
            StoppedReceivers = dispatcher.StoppedReceivers,
            HeldPartitions = dispatcher.HeldPartitions,
        };
    }

    public void Dispose()
    {
        if (_admin.IsValueCreated)
        {
            _admin.Value.Dispose();
        }
    }
}
