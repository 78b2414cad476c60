using KafkaConnector.Hosting;
using KafkaConnector.Messages;
using KafkaConnector.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace KafkaConnector.Tests.Hosting;

public sealed class KafkaConnectorHostTests(KafkaFixture fixture)
{
    private readonly KafkaTestCluster _cluster = fixture.Cluster;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void AddKafkaConnector_RegistersOneHostedService_TwiceIsOnce()
    {
        var services = new ServiceCollection();
        services.AddKafkaConnector(o => o.All["bootstrap.servers"] = _cluster.BootstrapServers);
        services.AddKafkaConnector(o => o.All["bootstrap.servers"] = _cluster.BootstrapServers);
        using var provider = services.BuildServiceProvider();

        var hosted = Assert.Single(provider.GetServices<IHostedService>());

        Assert.IsType<KafkaConnectorHost>(hosted);
    }

    [Fact]
    public async Task AServiceRegisteredBeforeTheConnector_CanStillProduceWhileItStops()
    {
        var topic = await _cluster.CreateNewTopicAsync("stop-order", 1, Ct);
        var builder = Host.CreateApplicationBuilder();
        var lastWords = new LastWordsService(topic);
        builder.Services.AddSingleton<IHostedService>(lastWords); // stops after the connector's own registrations would have
        builder.Services.AddKafkaConnector(o => o.All["bootstrap.servers"] = _cluster.BootstrapServers);
        using var host = builder.Build();
        await host.StartAsync(Ct);
        lastWords.Api = host.Services.GetRequiredService<IKafkaConnectorSystemApi>();

        await host.StopAsync(Ct);

        var delivered = await lastWords.Delivery.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.True(delivered.IsSuccess, $"the message sent while stopping was not delivered: {delivered.Error}");
    }

    [Fact]
    public async Task ANodeHostStoppedTwice_StopsOnceAndDoesNotThrow()
    {
        var node = await NodeHost.StartAsync(_cluster, NodeHost.NewLayer(), "n");

        await node.Host.StopAsync(Ct);
        await node.Host.StopAsync(Ct); // an orchestrator and a finally block may both ask

        await node.DisposeAsync();
    }

    [Fact]
    public async Task Stop_IsIdempotent_AndTheStepsRunOnce()
    {
        var services = new ServiceCollection();
        services.AddKafkaConnector(o => o.All["bootstrap.servers"] = _cluster.BootstrapServers);
        await using var provider = services.BuildServiceProvider();
        var host = provider.GetRequiredService<KafkaConnectorHost>();
        await host.StartAsync(Ct);

        var stopping = host.StoppingAsync(Ct);
        Assert.Same(stopping, host.StoppingAsync(Ct));
        await host.StopAsync(Ct);
        await host.StoppedAsync(Ct);
        var spent = host.Budget.Spent;
        await host.StoppedAsync(Ct);

        Assert.Equal(spent, host.Budget.Spent);
        Assert.Throws<ObjectDisposedException>(() => provider.GetRequiredService<IKafkaConnectorSystemApi>().Enqueue(KafkaMessage.FromText("t", null, "late")));
    }

    /// <summary>A service that sends one last message from its own StopAsync.</summary>
    private sealed class LastWordsService(string topic) : IHostedService
    {
        public IKafkaConnectorSystemApi? Api { get; set; }

        public TaskCompletionSource<KafkaDeliveryResult> Delivery { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken)
        {
            Api!.Enqueue(KafkaMessage.FromText(topic, "k", "goodbye"), Delivery.SetResult);
            return Task.CompletedTask;
        }
    }
}
