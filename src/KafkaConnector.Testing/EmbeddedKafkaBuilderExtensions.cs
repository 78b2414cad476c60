using KafkaConnector.EmbeddedKafka;
using KafkaConnector.Testing;
using Confluent.Kafka;
using KafkaConnector.Cluster;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Points a connector at an <see cref="EmbeddedKafkaCluster"/>.</summary>
public static class EmbeddedKafkaBuilderExtensions
{
    /// <summary>
    /// Uses <paramref name="cluster"/>: sets <c>bootstrap.servers</c> and creates the node's topics
    /// through the embedded broker's own API (the mock broker does not serve the admin protocol).
    /// </summary>
    public static IKafkaConnectorBuilder UseEmbeddedKafka(this IKafkaConnectorBuilder builder, EmbeddedKafkaCluster cluster)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(cluster);
        builder.Services.Configure<KafkaConnector.Configuration.KafkaConnectorOptions>(o => o.All["bootstrap.servers"] = cluster.BootstrapServers);
        builder.Services.Replace(ServiceDescriptor.Singleton<IKafkaTopicProvisioner>(new EmbeddedTopicProvisioner(cluster)));
        return builder;
    }

    private sealed class EmbeddedTopicProvisioner(EmbeddedKafkaCluster cluster) : IKafkaTopicProvisioner
    {
        public Task<TopicProvisionResult> EnsureTopicAsync(string topic, int partitions, int replicationFactor, CancellationToken cancellationToken)
        {
            try
            {
                cluster.CreateTopic(topic, partitions, replicationFactor < 1 ? Math.Min(3, cluster.BrokerCount) : replicationFactor);
                return Task.FromResult(new TopicProvisionResult(topic, TopicProvisionOutcome.Created));
            }
            catch (KafkaException e) when (e.Error.Code == ErrorCode.TopicAlreadyExists)
            {
                return Task.FromResult(new TopicProvisionResult(topic, TopicProvisionOutcome.AlreadyExists));
            }
            catch (Exception e) when (e is KafkaException or ArgumentException)
            {
                return Task.FromResult(new TopicProvisionResult(topic, TopicProvisionOutcome.Failed, Error: e.Message));
            }
        }
    }
}
