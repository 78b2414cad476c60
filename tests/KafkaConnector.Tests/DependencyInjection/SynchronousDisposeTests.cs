using System.Collections.Concurrent;
using KafkaConnector.Cluster;
using KafkaConnector.Diagnostics;
using KafkaConnector.Messages;
using KafkaConnector.Security;
using KafkaConnector.EmbeddedKafka;
using KafkaConnector.Testing;
using KafkaConnector.Tests.Cluster;
using KafkaConnector.Tests.Receivers;
using Microsoft.Extensions.DependencyInjection;

namespace KafkaConnector.Tests.DependencyInjection;

/// <summary>A service provider built by hand may be disposed with <c>using</c>, not only <c>await using</c>.</summary>
public sealed class SynchronousDisposeTests(KafkaFixture fixture)
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(60);
    private readonly KafkaTestCluster _cluster = fixture.Cluster;

    private (ServiceCollection Services, ServiceProvider Provider) BuildFullRegistration(string topic)
    {
        var services = new ServiceCollection();
        services.AddKafkaConnector(o =>
            {
                o.All["bootstrap.servers"] = _cluster.BootstrapServers;
                o.Producer["linger.ms"] = "200"; // keep messages queued so that disposal has something to flush
                o.Consumer["auto.offset.reset"] = "earliest";
                o.Layer = "dispose";
                o.NodeId = _cluster.NewGroupId();
            })
            .AddReceiver<RecordingReceiver>(topic)
            .AddRequestHandler<EchoHandler>("echo")
            .AddPermissions();
        return (services, services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true }));
    }

    [Fact]
    public async Task FullRegistration_EveryServiceResolved_DisposesSynchronously_FlushingAndCompletingLikeDisposeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        var topic = await _cluster.CreateNewTopicAsync("dispose-sync", 1, ct);
        var (services, provider) = BuildFullRegistration(topic);
        var resolved = new List<Type>();
        using (var scope = provider.CreateScope())
        {
            foreach (var type in services.Where(d => !d.ServiceType.IsGenericTypeDefinition).Select(d => d.ServiceType).Distinct())
            {
                var instances = services.Any(d => d.ServiceType == type && d.IsKeyedService)
                    ? services.Where(d => d.ServiceType == type && d.IsKeyedService).Select(d => scope.ServiceProvider.GetRequiredKeyedService(type, d.ServiceKey))
                    : scope.ServiceProvider.GetServices(type);
                Assert.All(instances, Assert.NotNull);
                resolved.Add(type);
            }
        }

        var api = provider.GetRequiredService<IKafkaConnectorSystemApi>();
        await api.ProduceAsync(KafkaMessage.FromText(topic, null, "first"), ct);
        var completed = new TaskCompletionSource();
        using var stream = api.ConsumeReactive(_cluster.NewGroupId(), [topic]).Subscribe(_ => { }, () => completed.TrySetResult());
        var results = new ConcurrentQueue<KafkaDeliveryResult>();
        for (var i = 0; i < 100; i++)
        {
            api.Enqueue(KafkaMessage.FromText(topic, null, $"m{i}"), results.Enqueue);
        }

        var error = Record.Exception(provider.Dispose);

        Assert.Null(error);
        Assert.Contains(typeof(IKafkaConnectorSystemApi), resolved);
        Assert.Contains(typeof(IKafkaCluster), resolved);
        Assert.Contains(typeof(IKafkaConnectorApi), resolved);
        Assert.Contains(typeof(IKafkaConnectorStatus), resolved);
        Assert.Equal(100, results.Count); // flushed before Dispose returned
        Assert.All(results, r => Assert.True(r.IsSuccess, r.ToString()));
        await completed.Task.WaitAsync(WaitLimit, ct);
        Assert.Throws<ObjectDisposedException>(() => api.Enqueue(KafkaMessage.FromText(topic, null, "late")));
    }

    [Fact]
    public async Task Dispose_AndDisposeAsync_InEitherOrder_ShutDownOnce()
    {
        var ct = TestContext.Current.CancellationToken;
        var topic = await _cluster.CreateNewTopicAsync("dispose-twice", 1, ct);
        var (_, provider) = BuildFullRegistration(topic);
        var api = provider.GetRequiredService<KafkaConnectorSystemApi>();
        await api.ProduceAsync(KafkaMessage.FromText(topic, null, "v"), ct);

        api.Dispose();
        var shutdown = api.ShutdownAsync();
        await api.DisposeAsync();
        api.Dispose();
        await provider.DisposeAsync();

        Assert.True(shutdown.IsCompletedSuccessfully);
        Assert.Same(shutdown, api.ShutdownAsync());
    }

    [Fact]
    public async Task Dispose_WithBrokerDown_ReturnsWithinTheShutdownTimeout_AndReportsEveryUndeliveredMessage()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = EmbeddedKafkaCluster.Start();
        cluster.CreateTopic("stuck", 1);
        var services = new ServiceCollection();
        services.AddKafkaConnector(o =>
        {
            o.All["bootstrap.servers"] = cluster.BootstrapServers;
            o.ShutdownTimeout = TimeSpan.FromSeconds(2);
        });
        var provider = services.BuildServiceProvider();
        var api = provider.GetRequiredService<IKafkaConnectorSystemApi>();
        await api.ProduceAsync(KafkaMessage.FromText("stuck", null, "warm-up"), ct);
        var results = new ConcurrentQueue<KafkaDeliveryResult>();
        cluster.SetBrokerDown(EmbeddedKafkaCluster.AllBrokers);
        for (var i = 0; i < 20; i++)
        {
            api.Enqueue(KafkaMessage.FromText("stuck", null, $"m{i}"), results.Enqueue);
        }

        var watch = System.Diagnostics.Stopwatch.StartNew();
        provider.Dispose();

        Assert.InRange(watch.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(8));
        Assert.Equal(20, results.Count);
        Assert.All(results, r => Assert.Contains(r.Error?.Code, new Confluent.Kafka.ErrorCode?[] { Confluent.Kafka.ErrorCode.Local_PurgeQueue, Confluent.Kafka.ErrorCode.Local_PurgeInflight }));
    }
}
