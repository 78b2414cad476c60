using KafkaConnector.Cluster;
using KafkaConnector.Configuration;
using KafkaConnector.Diagnostics;
using Microsoft.Extensions.Logging;

namespace KafkaConnector.Receivers;

/// <summary>What every dispatcher of the node is built from, whatever group it consumes in.</summary>
internal sealed record DispatcherServices(
    KafkaClientFactory Clients,
    KafkaConnectorSystemApi Api,
    ReceiverRegistry Registry,
    IServiceProvider Services,
    IKafkaTopicProvisioner Provisioner,
    IClusterTrafficHandler Cluster,
    NodeIdentity Identity,
    KafkaConnectorMetrics Metrics,
    ConsumptionControl Control,
    ILoggerFactory LoggerFactory);
