using KafkaConnector.Configuration;
using KafkaConnector.Receivers;
using KafkaConnector.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KafkaConnector.Benchmarks.Infrastructure;

/// <summary>The connector as an application uses it: a service provider for producing, a host for a node.</summary>
internal static class ConnectorHosts
{
    /// <summary>The connector without a node identity (produce only); dispose the provider to flush.</summary>
    public static ServiceProvider CreateApi(ClientSettings clients, Action<KafkaConnectorOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddKafkaConnector(o =>
        {
            clients.Apply(o);
            configure?.Invoke(o);
            clients.ApplyOverrides(o);
        });
        return services.BuildServiceProvider();
    }

    /// <summary>
    /// Builds and starts a node (layer and node id set, so the dispatcher runs) without logging
    /// providers, as the raw side has none either (unless <c>--node-logs</c> asks for them, to
    /// diagnose). Does not wait for the node to be ready.
    /// </summary>
    public static async Task<IHost> StartNodeAsync(
        ClientSettings clients,
        string layer,
        string nodeId,
        Action<KafkaConnectorOptions>? configure,
        Action<IServiceCollection, IKafkaConnectorBuilder>? build,
        CancellationToken cancellationToken)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        var connector = builder.Services.AddKafkaConnector(o =>
        {
            clients.Apply(o);
            o.Layer = layer;
            o.NodeId = nodeId;
            configure?.Invoke(o);
            clients.ApplyOverrides(o);
        });
        if (clients.Broker.Embedded is { } embedded)
        {
            connector.UseEmbeddedKafka(embedded);
        }

        build?.Invoke(builder.Services, connector);
        if (clients.NodeLogs)
        {
            builder.Logging.AddSimpleConsole(o => o.TimestampFormat = "HH:mm:ss.fff ").SetMinimumLevel(LogLevel.Debug);
        }

        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch
        {
            host.Dispose();
            throw;
        }

        return host;
    }

    public static async Task StopAsync(IHost host, BenchBroker broker, string layer, params IEnumerable<string> nodeIds)
    {
        try
        {
            await host.StopAsync(CancellationToken.None);
        }
        finally
        {
            host.Dispose();
        }

        var topics = nodeIds.Select(id => new KafkaClusterTopicNames(layer, id)).SelectMany(t => new[] { t.Broadcast, t.Node }).Distinct(StringComparer.Ordinal);
        await broker.DeleteTopicsAsync(topics);
    }
}
