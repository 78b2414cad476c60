using KafkaConnector.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace KafkaConnector.HealthChecks.Tests;

/// <summary><c>kafka-transactions</c> turns what <see cref="IKafkaTransactionalStatus"/> reports into a liveness result.</summary>
public sealed class KafkaTransactionsHealthCheckTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task WithoutTransactionalReceivers_IsHealthy()
    {
        var entry = await CheckAsync(status: null);

        Assert.Equal((HealthStatus.Healthy, "No transactional receivers"), (entry.Status, entry.Description));
    }

    [Fact]
    public async Task ReceiversThatRun_AreHealthy_WithTheirCounts()
    {
        var entry = await CheckAsync(new FakeStatus(Receiver("Enricher")));

        Assert.Equal((HealthStatus.Healthy, "1 transactional receiver(s) running"), (entry.Status, entry.Description));
        Assert.Equal("committed 5, aborted 1", entry.Data["Enricher"]);
    }

    [Theory]
    [InlineData("Local_Fenced fenced by a newer producer", false, true, "Enricher failed fatally: Local_Fenced fenced by a newer producer")]
    [InlineData(null, true, false, "Enricher stopped by its error policy")]
    [InlineData(null, false, true, "Enricher has stopped")]
    public async Task AFencedFailedOrStoppedReceiver_IsUnhealthy_NamingIt(string? fatal, bool stopped, bool ended, string problem)
    {
        var entry = await CheckAsync(new FakeStatus(Receiver("Audit"), Receiver("Enricher", fatal, stopped, ended)));

        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Equal($"Transactional receivers that commit nothing until the node restarts: {problem}", entry.Description);
    }

    private static KafkaTransactionalReceiverStatus Receiver(string name, string? fatal = null, bool stopped = false, bool ended = false) =>
        new(name, "g", "g.a", isReady: !ended, hasEnded: ended, fatal, stopped) { CommittedTransactions = 5, AbortedTransactions = 1 };

    private static async Task<HealthReportEntry> CheckAsync(IKafkaTransactionalStatus? status)
    {
        var services = new ServiceCollection();
        services.AddKafkaConnector(o => o.All["bootstrap.servers"] = "127.0.0.1:9").AddKafkaHealthChecks();
        if (status is not null)
        {
            services.AddSingleton(status);
        }

        using var provider = services.BuildServiceProvider();
        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Name == "kafka-transactions", Ct);
        return report.Entries["kafka-transactions"];
    }

    private sealed class FakeStatus(params KafkaTransactionalReceiverStatus[] receivers) : IKafkaTransactionalStatus
    {
        public IReadOnlyList<KafkaTransactionalReceiverStatus> GetTransactionalReceivers() => receivers;
    }
}
