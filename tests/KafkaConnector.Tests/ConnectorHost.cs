using KafkaConnector.Configuration;
using KafkaConnector.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace KafkaConnector.Tests;

/// <summary>A service provider with the connector pointed at a test cluster, with test-friendly group timings.</summary>
internal sealed class ConnectorHost : IAsyncDisposable
{
    private readonly ServiceProvider _provider;

    private ConnectorHost(ServiceProvider provider) => _provider = provider;

    public IKafkaConnectorSystemApi Api => _provider.GetRequiredService<IKafkaConnectorSystemApi>();

    internal KafkaConnectorSystemApi Internal => _provider.GetRequiredService<KafkaConnectorSystemApi>();

    public IServiceProvider Services => _provider;

    public static ConnectorHost Create(string bootstrapServers, bool embedded = true, Action<KafkaConnectorOptions>? configure = null, Action<IKafkaConnectorBuilder>? build = null)
    {
        var services = new ServiceCollection();
        var builder = services.AddKafkaConnector(options =>
        {
            options.All["bootstrap.servers"] = bootstrapServers;
            options.Consumer["auto.offset.reset"] = "earliest";
            options.Consumer["session.timeout.ms"] = embedded ? "2000" : "6000";
            options.Consumer["heartbeat.interval.ms"] = embedded ? "300" : "1000";
            options.Consumer["topic.metadata.refresh.interval.ms"] = "1000";
            options.Reactive.CommitInterval = TimeSpan.FromMilliseconds(200);
            configure?.Invoke(options);
        });
        build?.Invoke(builder);
        return new ConnectorHost(services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true }));
    }

    public static ConnectorHost Create(KafkaTestCluster cluster, Action<KafkaConnectorOptions>? configure = null) =>
        Create(cluster.BootstrapServers, cluster.IsEmbedded, configure);

    public ValueTask DisposeAsync() => _provider.DisposeAsync();
}
