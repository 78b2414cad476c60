using System.Diagnostics;
using Confluent.Kafka;
using KafkaConnector.Cluster;
using KafkaConnector.EmbeddedKafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KafkaConnector.HealthChecks.Tests;

/// <summary>
/// A real node whose consumer fails fatally (the broker fences it or refuses it the group) stops
/// consuming, faults <see cref="IKafkaCluster.WaitUntilReadyAsync"/>, and is reported neither alive
/// nor ready by the health checks.
/// </summary>
public sealed class FatalConsumerErrorTests
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(30);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    // Classic protocol: a heartbeat answered "fenced": another instance took this static member's group.instance.id.
    [InlineData("classic", KafkaApiKey.Heartbeat, ErrorCode.FencedInstanceId)]
    // KIP-848: the group heartbeat refused, as when the group's ACL is taken away.
    [InlineData("consumer", KafkaApiKey.ConsumerGroupHeartbeat, ErrorCode.GroupAuthorizationFailed)]
    public async Task TheBrokerFailingTheNodesConsumerFatally_FaultsReadiness_AndBothHealthChecksGoUnhealthy(string protocol, KafkaApiKey request, ErrorCode error)
    {
        await using var embedded = EmbeddedKafkaCluster.Start(); // its own broker: the injected error reaches every client of it
        using var host = await StartNodeAsync(embedded, protocol);
        var cluster = host.Services.GetRequiredService<IKafkaCluster>();
        var health = host.Services.GetRequiredService<HealthCheckService>();
        await cluster.WaitUntilReadyAsync(Ct).WaitAsync(WaitLimit, Ct);
        Assert.Equal(HealthStatus.Healthy, (await health.CheckHealthAsync(r => r.Name is "kafka-dispatcher" or "kafka-ready", Ct)).Status);

        embedded.PushRequestErrors(request, error);

        await Eventually(() => cluster.WaitUntilReadyAsync(Ct).IsFaulted, () => "WaitUntilReadyAsync to fault");
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => cluster.WaitUntilReadyAsync(Ct));
        Assert.StartsWith($"The node's consumer failed and the node cannot work: {error}: ", failure.Message, StringComparison.Ordinal);

        var report = await health.CheckHealthAsync(Ct);
        var live = report.Entries["kafka-dispatcher"];
        var ready = report.Entries["kafka-ready"];
        Assert.Equal((HealthStatus.Unhealthy, HealthStatus.Unhealthy), (live.Status, ready.Status));
        Assert.StartsWith($"The node's consumer failed fatally: {error} ", live.Description, StringComparison.Ordinal);
        Assert.Equal(live.Description, ready.Description);
        Assert.Equal(HealthStatus.Healthy, report.Entries["kafka-brokers"].Status); // the brokers are fine: the node is not

        // The failed consumer still closes: the host stops within the connector's bound.
        var stop = Stopwatch.StartNew();
        await host.StopAsync(Ct);
        Assert.True(stop.Elapsed < TimeSpan.FromSeconds(10), $"the host should stop within 10 s after the fatal error, took {stop.Elapsed.TotalSeconds:0.0} s");
    }

    private static async Task<IHost> StartNodeAsync(EmbeddedKafkaCluster embedded, string protocol)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services
            .AddKafkaConnector(o =>
            {
                o.Layer = "l" + Guid.NewGuid().ToString("N")[..10];
                o.NodeId = "n";
                o.System.ReplicationFactor = 1;
                o.System.PollInterval = TimeSpan.FromMilliseconds(100);
                o.ShutdownTimeout = TimeSpan.FromSeconds(5);
                if (protocol == "consumer")
                {
                    o.Consumer["group.protocol"] = "consumer";
                    embedded.SetConsumerGroupProtocolTimings(TimeSpan.FromSeconds(3), TimeSpan.FromMilliseconds(300));
                }
                else
                {
                    o.Consumer["group.instance.id"] = "n-static";
                    o.Consumer["session.timeout.ms"] = "2000";
                    o.Consumer["heartbeat.interval.ms"] = "300";
                }
            })
            .UseEmbeddedKafka(embedded)
            .AddKafkaHealthChecks();
        var host = builder.Build();
        await host.StartAsync(Ct);
        return host;
    }

    private static Task Eventually(Func<bool> condition, Func<string> describe) =>
        KafkaConnector.Testing.Eventually.UntilAsync(condition, WaitLimit, describe, Ct);
}
