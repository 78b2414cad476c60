using KafkaConnector.Admin;
using Microsoft.Extensions.DependencyInjection;

namespace KafkaConnector.Connect;

/// <summary>Lets Kafka Connect delete a connector's topics through the admin API.</summary>
/// <remarks>The admin API is resolved on use: building the Connect client must not build Kafka clients or validate their options.</remarks>
internal sealed class AdminTopicDeleter(IServiceProvider services) : IKafkaConnectTopicDeleter
{
    public Task DeleteTopicAsync(string topic, CancellationToken cancellationToken) =>
        services.GetRequiredService<IKafkaAdminApi>().DeleteTopicAsync(topic, cancellationToken);
}
