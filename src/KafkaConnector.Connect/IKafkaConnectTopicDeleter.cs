namespace KafkaConnector.Connect;

/// <summary>
/// Deletes a Kafka topic for <see cref="IKafkaConnectClient.DeleteConnectorAsync"/> when it is asked to
/// delete the connector's topics too. Optional: register one in the service collection to enable that.
/// </summary>
public interface IKafkaConnectTopicDeleter
{
    /// <summary>Deletes the topic.</summary>
    /// <param name="topic">The topic's name.</param>
    /// <param name="cancellationToken">Cancels the deletion.</param>
    Task DeleteTopicAsync(string topic, CancellationToken cancellationToken);
}
