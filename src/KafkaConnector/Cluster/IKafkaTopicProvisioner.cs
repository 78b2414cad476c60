namespace KafkaConnector.Cluster;

/// <summary>
/// Creates the topics a node needs at start. The default uses the Kafka admin API; the embedded
/// broker (KafkaConnector.Testing) replaces it with its own API, which the mock broker needs.
/// </summary>
public interface IKafkaTopicProvisioner
{
    /// <summary>
    /// Makes sure <paramref name="topic"/> exists. Must not throw for "already exists"; reports
    /// anything else it could not do in <see cref="TopicProvisionResult"/>.
    /// </summary>
    Task<TopicProvisionResult> EnsureTopicAsync(string topic, int partitions, int replicationFactor, CancellationToken cancellationToken);
}

/// <summary>What provisioning one topic came to.</summary>
/// <param name="Topic">The topic.</param>
/// <param name="Outcome">Created, already there, or failed.</param>
/// <param name="ExistingPartitions">When it already existed: its partition count, if known.</param>
/// <param name="Error">When it failed: why.</param>
public sealed record TopicProvisionResult(string Topic, TopicProvisionOutcome Outcome, int? ExistingPartitions = null, string? Error = null);

/// <summary>The outcome of provisioning a topic.</summary>
public enum TopicProvisionOutcome
{
    /// <summary>The topic was created.</summary>
    Created,

    /// <summary>The topic was there already.</summary>
    AlreadyExists,

    /// <summary>The topic could not be created; the node goes on with what exists or is auto-created.</summary>
    Failed,
}
