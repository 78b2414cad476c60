using Confluent.Kafka;
using Confluent.Kafka.Admin;
using KafkaConnector.Configuration;

namespace KafkaConnector.Cluster;

/// <summary>Creates topics with the Kafka admin API and awaits the broker's answer.</summary>
internal sealed class AdminTopicProvisioner(KafkaClientFactory clients) : IKafkaTopicProvisioner
{
    public async Task<TopicProvisionResult> EnsureTopicAsync(string topic, int partitions, int replicationFactor, CancellationToken cancellationToken)
    {
        using var admin = clients.CreateAdminClient();
        var timeout = clients.Options.Cluster.TopicCreationTimeout;
        try
        {
            await admin.CreateTopicsAsync(
                [new TopicSpecification { Name = topic, NumPartitions = partitions, ReplicationFactor = (short)replicationFactor }],
                new CreateTopicsOptions { RequestTimeout = timeout, OperationTimeout = timeout }).WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            return new TopicProvisionResult(topic, TopicProvisionOutcome.Created);
        }
        catch (CreateTopicsException e) when (e.Results.Single().Error.Code == ErrorCode.TopicAlreadyExists)
        {
            var existing = admin.GetMetadata(topic, timeout).Topics.SingleOrDefault()?.Partitions.Count;
            return new TopicProvisionResult(topic, TopicProvisionOutcome.AlreadyExists, existing);
        }
        catch (CreateTopicsException e)
        {
            var error = e.Results.Single().Error;
            return new TopicProvisionResult(topic, TopicProvisionOutcome.Failed, Error: $"{error.Code}: {error.Reason}");
        }
        catch (Exception e) when (e is KafkaException or TimeoutException)
        {
            return new TopicProvisionResult(topic, TopicProvisionOutcome.Failed, Error: e.Message);
        }
    }
}
