using System.Diagnostics;
using KafkaConnector.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace KafkaConnector.Tests.Hosting;

/// <summary>With <c>StartupBrokerTimeout</c>, a node that cannot reach Kafka does not start.</summary>
public sealed class StartupBrokerTimeoutTests(KafkaFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static IHost Build(string bootstrap, TimeSpan wait)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddKafkaConnector(o =>
        {
            o.All["bootstrap.servers"] = bootstrap;
            o.StartupBrokerTimeout = wait;
        });
        return builder.Build();
    }

    [Fact]
    public async Task UnreachableBrokers_FailStart_WithinTheBound_NamingThem()
    {
        using var host = Build("127.0.0.1:1", TimeSpan.FromSeconds(2)); // nothing listens there
        var watch = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync(Ct));

        Assert.Contains("could not reach the brokers 127.0.0.1:1 within KafkaConnector:StartupBrokerTimeout (00:00:02)", error.Message, StringComparison.Ordinal);
        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(10)); // one metadata request may take its 5 s
    }

    [Fact]
    public async Task ReachableBrokers_Start()
    {
        using var host = Build(fixture.Cluster.BootstrapServers, TimeSpan.FromSeconds(30));

        await host.StartAsync(Ct);
        await host.StopAsync(Ct);
    }

    [Fact]
    public async Task WithoutTheOption_StartDoesNotWait()
    {
        using var host = Build("127.0.0.1:1", TimeSpan.Zero);
        var watch = Stopwatch.StartNew();

        await host.StartAsync(Ct);

        Assert.InRange(watch.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(2));
        await host.StopAsync(Ct);
    }
}
