using Confluent.Kafka;
using KafkaConnector.Cluster;
using KafkaConnector.Configuration;
using KafkaConnector.Messages;
using Microsoft.Extensions.Logging;

namespace KafkaConnector.Receivers;

/// <summary>Creates the node's broadcast and node topics before its consumer subscribes to them.</summary>
internal sealed class SystemTopicProvisioning(IKafkaTopicProvisioner provisioner, KafkaConnectorSystemApi api, KafkaConnectorOptions options, ILogger logger)
{
    private readonly IKafkaTopicProvisioner _provisioner = provisioner;
    private readonly KafkaConnectorSystemApi _api = api;
    private readonly KafkaConnectorOptions _options = options;
    private readonly ILogger _logger = logger;

    /// <summary>Creates the broadcast and node topics; returns those it could not create.</summary>
    public List<string> EnsureTopics(KafkaClusterTopicNames topics, CancellationToken cancellationToken)
    {
        var missing = new List<string>();
        var partitions = _options.System.MaxConsumerThreads;
        foreach (var topic in new[] { topics.Broadcast, topics.Node })
        {
            var result = _provisioner.EnsureTopicAsync(topic, partitions, _options.System.ReplicationFactor, cancellationToken).GetAwaiter().GetResult();
            switch (result.Outcome)
            {
                case TopicProvisionOutcome.Created:
                    DispatchLog.TopicProvisioned(_logger, topic, "created");
                    break;
                case TopicProvisionOutcome.AlreadyExists when result.ExistingPartitions is { } existing && existing != partitions:
                    DispatchLog.PartitionMismatch(_logger, topic, existing, partitions);
                    break;
                case TopicProvisionOutcome.AlreadyExists:
                    DispatchLog.TopicProvisioned(_logger, topic, "already exists");
                    break;
                default:
                    DispatchLog.TopicCreationFailed(_logger, topic, result.Error ?? "unknown");
                    missing.Add(topic);
                    break;
            }
        }

        return missing;
    }

    /// <summary>
    /// For topics the admin API could not create (a broker without it, like the embedded one in
    /// another process): write one probe record, which a broker that creates topics on first
    /// write turns into the topic. Every node ignores probes.
    /// </summary>
    public void CreateByWriting(List<string> topics, CancellationToken cancellationToken)
    {
        foreach (var topic in topics)
        {
            var headers = new Headers();
            ClusterHeaders.Set(headers, ClusterHeaders.Type, ClusterHeaders.ProbeType);
            try
            {
                _api.ProduceAsync(new KafkaMessage(topic, null, null) { Headers = headers }, cancellationToken)
                    .WaitAsync(_options.Cluster.TopicCreationTimeout, cancellationToken).GetAwaiter().GetResult();
                DispatchLog.TopicProvisioned(_logger, topic, "created by the broker on first write");
            }
            catch (Exception e) when (e is KafkaException or TimeoutException)
            {
                DispatchLog.TopicCreationFailed(_logger, topic, "writing to it did not create it either: " + e.Message);
            }
        }
    }
}
