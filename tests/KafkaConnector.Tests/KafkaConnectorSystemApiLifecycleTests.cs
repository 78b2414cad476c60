using System.Collections.Concurrent;
using System.Diagnostics;
using Confluent.Kafka;
using KafkaConnector.Messages;
using KafkaConnector.EmbeddedKafka;
using KafkaConnector.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace KafkaConnector.Tests;

public sealed class KafkaConnectorSystemApiLifecycleTests(KafkaFixture fixture)
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(60);
    private readonly KafkaTestCluster _cluster = fixture.Cluster;

    private static IHost BuildHost(string bootstrapServers, TimeSpan shutdownTimeout)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddKafkaConnector(o =>
        {
            o.All["bootstrap.servers"] = bootstrapServers;
            o.Producer["linger.ms"] = "200"; // keep messages queued so that shutdown has something to flush
            o.Consumer["auto.offset.reset"] = "earliest";
            o.ShutdownTimeout = shutdownTimeout;
        });
        return builder.Build();
    }

    [Fact]
    public async Task HostStop_FlushesPendingMessages_ThenCallsThrowObjectDisposed()
    {
        var ct = TestContext.Current.CancellationToken;
        var topic = await _cluster.CreateNewTopicAsync("shutdown", 2, ct);
        using var host = BuildHost(_cluster.BootstrapServers, TimeSpan.FromSeconds(30));
        await host.StartAsync(ct);
        var api = host.Services.GetRequiredService<IKafkaConnectorSystemApi>();
        var results = new ConcurrentQueue<KafkaDeliveryResult>();

        for (var i = 0; i < 1000; i++)
        {
            api.Enqueue(KafkaMessage.FromText(topic, null, $"m{i}"), results.Enqueue);
        }

        await host.StopAsync(ct);

        Assert.Equal(1000, results.Count);
        Assert.All(results, r => Assert.True(r.IsSuccess, r.ToString()));
        Assert.Throws<ObjectDisposedException>(() => api.Enqueue(KafkaMessage.FromText(topic, null, "late")));
        Assert.Throws<ObjectDisposedException>(() => api.ConsumeReactive("g", [topic]));
    }

    [Fact]
    public async Task HostStop_WithBrokerDown_EndsWithinTheTimeout_AndReportsEveryUndeliveredMessage()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = EmbeddedKafkaCluster.Start();
        cluster.CreateTopic("stuck", 1);
        using var host = BuildHost(cluster.BootstrapServers, TimeSpan.FromSeconds(2));
        await host.StartAsync(ct);
        var api = host.Services.GetRequiredService<IKafkaConnectorSystemApi>();
        await api.ProduceAsync(KafkaMessage.FromText("stuck", null, "warm-up"), ct);
        var results = new ConcurrentQueue<KafkaDeliveryResult>();

        cluster.SetBrokerDown(EmbeddedKafkaCluster.AllBrokers);
        for (var i = 0; i < 20; i++)
        {
            api.Enqueue(KafkaMessage.FromText("stuck", null, $"m{i}"), results.Enqueue);
        }

        var awaiting = api.ProduceAsync(KafkaMessage.FromText("stuck", null, "awaited"), ct);
        var watch = Stopwatch.StartNew();
        await host.StopAsync(ct);

        Assert.InRange(watch.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(8));
        Assert.Equal(20, results.Count);
        Assert.All(results, r => Assert.Contains(r.Error?.Code, new ErrorCode?[] { ErrorCode.Local_PurgeQueue, ErrorCode.Local_PurgeInflight }));
        var error = await Assert.ThrowsAsync<KafkaProduceException>(() => awaiting.WaitAsync(WaitLimit, ct));
        Assert.False(error.Result.IsSuccess);
    }

    [Fact]
    public async Task HostStop_CompletesOpenReactiveStreams()
    {
        var ct = TestContext.Current.CancellationToken;
        var topic = await _cluster.CreateNewTopicAsync("shutdown-rx", 1, ct);
        using var host = BuildHost(_cluster.BootstrapServers, TimeSpan.FromSeconds(10));
        await host.StartAsync(ct);
        var api = host.Services.GetRequiredService<IKafkaConnectorSystemApi>();
        var completed = new TaskCompletionSource();
        using var subscription = api.ConsumeReactive(_cluster.NewGroupId(), [topic]).Subscribe(_ => { }, () => completed.TrySetResult());

        await host.StopAsync(ct);

        await completed.Task.WaitAsync(WaitLimit, ct);
    }
}
