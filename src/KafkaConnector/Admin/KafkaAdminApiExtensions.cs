namespace KafkaConnector.Admin;

/// <summary>Single-topic conveniences on top of <see cref="IKafkaAdminApi"/>.</summary>
public static class KafkaAdminApiExtensions
{
    /// <summary>Creates one topic and waits until the cluster has created it.</summary>
    /// <exception cref="KafkaTopicOperationException">The topic was not created; the result says why.</exception>
    public static async Task CreateTopicAsync(this IKafkaAdminApi admin, KafkaTopicSpec topic, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(admin);
        ArgumentNullException.ThrowIfNull(topic);
        await admin.CreateTopicsAsync([topic], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes one topic (the shape Kafka Connect's topic deleter expects).</summary>
    /// <exception cref="KafkaTopicOperationException">The topic was not deleted; the result says why.</exception>
    public static async Task DeleteTopicAsync(this IKafkaAdminApi admin, string topic, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(admin);
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        await admin.DeleteTopicsAsync([topic], cancellationToken).ConfigureAwait(false);
    }
}
