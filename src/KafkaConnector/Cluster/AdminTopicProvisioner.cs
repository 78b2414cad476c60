using Confluent.Kafka;
using KafkaConnector.Admin;
using KafkaConnector.Configuration;

namespace KafkaConnector.Cluster;

/// <summary>Creates the node's topics through the admin API and awaits the broker's answer.</summary>
internal sealed class AdminTopicProvisioner(IKafkaAdminApi admin, KafkaClientFactory clients) : IKafkaTopicProvisioner
{
    public async Task<TopicProvisionResult> EnsureTopicAsync(string topic, int partitions, int replicationFactor, CancellationToken cancellationToken)
    {
        var timeout = clients.Options.Cluster.TopicCreationTimeout;
        var spec = new KafkaTopicSpec(topic) { Partitions = partitions, ReplicationFactor = (short)replicationFactor };
        try
        {
            await admin.CreateTopicsAsync([spec], cancellationToken).WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            return new TopicProvisionResult(topic, TopicProvisionOutcome.Created);
        }
        catch (KafkaTopicOperationException e) when (e.Results.Single().Error?.Code == ErrorCode.TopicAlreadyExists)
        {
            var described = await admin.DescribeTopicsAsync([topic], cancellationToken).WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            return new TopicProvisionResult(topic, TopicProvisionOutcome.AlreadyExists, described.SingleOrDefault()?.Partitions.Count);
        }
        catch (KafkaTopicOperationException e)
        {
            var error = e.Results.Single().Error;
            return new TopicProvisionResult(topic, TopicProvisionOutcome.Failed, Error: $"{error?.Code}: {error?.Reason}");
        }
        catch (Exception e) when (e is KafkaException or NotSupportedException or TimeoutException)
        {
            return new TopicProvisionResult(topic, TopicProvisionOutcome.Failed, Error: e.Message);
        }
    }
}
