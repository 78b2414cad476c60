using Confluent.Kafka;
using KafkaConnector.Configuration;
using KafkaConnector.Receivers;
using KafkaConnector.Receivers.Pipeline;

namespace KafkaConnector.Diagnostics;

/// <summary>Reads the dispatchers' counters and asks the brokers through one admin client, made on first use.</summary>
internal sealed class KafkaConnectorStatus(KafkaDispatchers dispatchers, ConsumptionControl consumption, KafkaClientFactory clients) : IKafkaConnectorStatus, IDisposable
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
        // The node's dispatcher and every receiver group's, as one: a group that failed fails the node's status.
        var all = dispatchers.All;
        var node = dispatchers.Node;
        var fatal = dispatchers.IsRestarting ? null : all.Where(d => d.FatalError is not null)
            .Select(d => d == node ? $"{d.FatalError!.Code} {d.FatalError.Reason}" : $"{d.Scope!.Name}: {d.FatalError!.Code} {d.FatalError.Reason}")
            .FirstOrDefault();
        var sinceLastPoll = all.Where(d => d.IsRunning && !d.HasStopped).Select(d => d.SinceLastPoll).DefaultIfEmpty(node.SinceLastPoll).Max();
        var restarting = dispatchers.IsRestarting; // the old consumers stopping on purpose: starting, not stopped
        return new KafkaDispatcherStatus(
            node.IsRunning,
            !restarting && (all.Any(d => d.HasStopped && d.IsRunning) || node.HasStopped),
            fatal,
            sinceLastPoll,
            stalledAfter,
            all.Sum(d => d.InFlight),
            ReceiverInvoker.ConsecutiveDeadLetters(all.SelectMany(d => d.Receivers)),
            !restarting && all.All(d => d.IsReady) && node.IsReady)
        {
            StoppedReceivers = ReceiverInvoker.Stopped(all.SelectMany(d => d.Receivers)),
            HeldPartitions = all.Sum(d => d.HeldPartitions),
        };
    }

    public IReadOnlyList<KafkaReceiverStatus> GetReceiverStatus()
    {
        var statuses = new List<KafkaReceiverStatus>();
        var restarting = dispatchers.IsRestarting;
        var nodePaused = consumption.NodePaused;
        foreach (var dispatcher in dispatchers.All)
        {
            if (dispatcher.Scope is not { } scope)
            {
                continue;
            }

            var failed = !restarting && (dispatcher.FatalError is not null || (dispatcher.IsRunning && dispatcher.HasStopped));
            foreach (var receiver in dispatcher.Receivers.Where(r => !r.IsInternal))
            {
                var state = restarting ? KafkaReceiverState.Starting
                    : failed ? KafkaReceiverState.Failed
                    : receiver.Pipeline is { IsStopped: true } ? KafkaReceiverState.Stopped
                    : receiver.IsPaused || nodePaused ? KafkaReceiverState.Paused
                    : dispatcher.IsReady ? KafkaReceiverState.Running
                    : KafkaReceiverState.Starting;
                var partitions = dispatcher.AssignedPartitions.Where(p => receiver.Filter.Matches(p.Topic, scope.Topics)).ToList();
                statuses.Add(new KafkaReceiverStatus(receiver.Id, receiver.Name, receiver.Filter.Text, scope.GroupId, !scope.IsNode, state, partitions, receiver.InFlight, receiver.LastError));
            }
        }

        return statuses;
    }

    public void Dispose()
    {
        if (_admin.IsValueCreated)
        {
            _admin.Value.Dispose();
        }
    }
}
