using KafkaConnector.Cluster;
using KafkaConnector.Configuration;
using KafkaConnector.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KafkaConnector.Tests;

/// <summary>A cluster node as a real host: its own layer per test, short cluster timings.</summary>
internal sealed class NodeHost : IAsyncDisposable
{
    private NodeHost(IHost host) => Host = host;

    public IHost Host { get; }

    public IKafkaCluster Cluster => Host.Services.GetRequiredService<IKafkaCluster>();

    public IKafkaConnectorSystemApi Api => Host.Services.GetRequiredService<IKafkaConnectorSystemApi>();

    public static string NewLayer() => "l" + Guid.NewGuid().ToString("N")[..10];

    public static async Task<NodeHost> StartAsync(
        KafkaTestCluster cluster,
        string layer,
        string nodeId,
        Action<IKafkaConnectorBuilder>? build = null,
        Action<KafkaConnectorOptions>? configure = null,
        Action<IServiceCollection>? services = null,
        bool waitUntilReady = true)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        if (Environment.GetEnvironmentVariable("KAFKACONNECTOR_TEST_LOGS") == "1")
        {
            builder.Logging.AddSimpleConsole(o => o.TimestampFormat = $"HH:mm:ss.fff [{nodeId}] ").SetMinimumLevel(LogLevel.Trace);
        }
        var connector = builder.Services.AddKafkaConnector(o =>
        {
            o.All["bootstrap.servers"] = cluster.BootstrapServers;
            o.Layer = layer;
            o.NodeId = nodeId;
            o.Consumer["session.timeout.ms"] = cluster.IsEmbedded ? "2000" : "6000";
            o.Consumer["heartbeat.interval.ms"] = cluster.IsEmbedded ? "300" : "1000";
            o.Consumer["topic.metadata.refresh.interval.ms"] = "1000";
            o.System.MaxConsumerThreads = 4;
            o.System.PollInterval = TimeSpan.FromMilliseconds(100);
            o.System.ReplicationFactor = 1;
            o.Dispatch.CommitInterval = TimeSpan.FromMilliseconds(200);
            o.Dispatch.RetryBackoff = TimeSpan.FromMilliseconds(20);
            o.Cluster.AnnounceInterval = TimeSpan.FromMilliseconds(500);
            o.Cluster.MemberTimeout = TimeSpan.FromSeconds(3);
            o.ShutdownTimeout = TimeSpan.FromSeconds(5);
            configure?.Invoke(o);
        });
        if (cluster.Embedded is { } embedded)
        {
            connector.UseEmbeddedKafka(embedded);
        }

        build?.Invoke(connector);
        services?.Invoke(builder.Services);
        var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);
        var node = new NodeHost(host);
        if (waitUntilReady)
        {
            await node.Cluster.WaitUntilReadyAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        }

        return node;
    }

    public Task StopAsync() => Host.StopAsync(CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        await Host.StopAsync(CancellationToken.None);
        Host.Dispose();
    }
}
