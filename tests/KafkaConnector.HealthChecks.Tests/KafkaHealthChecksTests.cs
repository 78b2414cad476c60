using KafkaConnector.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace KafkaConnector.HealthChecks.Tests;

/// <summary>The health checks turn what <see cref="IKafkaConnectorStatus"/> reports into health results.</summary>
public sealed class KafkaHealthChecksTests
{
    private static readonly TimeSpan StalledAfter = TimeSpan.FromSeconds(30);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AddKafkaHealthChecks_RegistersFiveChecks_TaggedLiveOrReady_AndTwiceIsOnce()
    {
        var status = new FakeStatus();
        using var services = Build(status, twice: true);

        var report = await services.GetRequiredService<HealthCheckService>().CheckHealthAsync(Ct);

        Assert.Equal(["kafka-brokers", "kafka-dispatcher", "kafka-ready", "kafka-receivers", "kafka-transactions"], report.Entries.Keys.Order(StringComparer.Ordinal));
        Assert.All(["kafka-dispatcher", "kafka-transactions"], name => Assert.Equal(["kafka", "live"], report.Entries[name].Tags.Order()));
        Assert.All(["kafka-brokers", "kafka-ready", "kafka-receivers"], name => Assert.Equal(["kafka", "ready"], report.Entries[name].Tags.Order()));
        Assert.Equal(HealthStatus.Healthy, report.Status);
    }

    [Fact]
    public async Task BeforeTheFirstAssignment_TheNodeIsAliveButNotReady()
    {
        var status = new FakeStatus { Dispatcher = Dispatcher(true, false, null, TimeSpan.Zero, ready: false) };

        var live = await CheckAsync(status, "kafka-dispatcher");
        var ready = await CheckAsync(status, "kafka-ready");

        Assert.Equal((HealthStatus.Healthy, "Starting: the node's topics are not assigned yet"), (live.Status, live.Description));
        Assert.Equal((HealthStatus.Unhealthy, "The node's topics are not assigned yet: nothing sent to it arrives"), (ready.Status, ready.Description));
    }

    [Fact]
    public async Task AfterAFatalError_TheNodeIsNeitherAliveNorReady()
    {
        var status = new FakeStatus { Dispatcher = Dispatcher(true, true, "Local_Fatal fenced", TimeSpan.Zero) };

        Assert.Equal(HealthStatus.Unhealthy, (await CheckAsync(status, "kafka-dispatcher")).Status);
        Assert.Equal("The node's consumer failed fatally: Local_Fatal fenced", (await CheckAsync(status, "kafka-ready")).Description);
    }

    [Fact]
    public async Task Brokers_Unreachable_IsUnhealthy_WithTheReason()
    {
        var status = new FakeStatus { Brokers = new KafkaBrokerStatus(0, null, "Local_Transport broker down") };

        var entry = await CheckAsync(status, "kafka-brokers");

        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Equal("Kafka brokers unreachable: Local_Transport broker down", entry.Description);
    }

    [Fact]
    public async Task Brokers_Reachable_IsHealthy_WithTheCount()
    {
        var entry = await CheckAsync(new FakeStatus { Brokers = new KafkaBrokerStatus(3, "127.0.0.1:9092/1", null) }, "kafka-brokers");

        Assert.Equal(HealthStatus.Healthy, entry.Status);
        Assert.Equal("3 broker(s) reachable", entry.Description);
        Assert.Equal(3, entry.Data["brokers"]);
    }

    [Theory]
    [InlineData(true, false, null, 1, HealthStatus.Healthy, "Polling")]
    [InlineData(false, false, null, 1, HealthStatus.Healthy, "Not running: the node has no identity (KafkaConnector:Layer and NodeId) and no receivers")]
    [InlineData(true, true, "Local_Fatal fenced", 1, HealthStatus.Unhealthy, "The node's consumer failed fatally: Local_Fatal fenced")]
    [InlineData(true, true, null, 1, HealthStatus.Unhealthy, "The dispatcher has stopped")]
    [InlineData(true, false, null, 45, HealthStatus.Unhealthy, "The dispatcher has not polled for 45 s")]
    public async Task Dispatcher_MapsTheStatus(bool running, bool stopped, string? fatal, int sinceLastPollSeconds, HealthStatus expected, string description)
    {
        var status = new FakeStatus { Dispatcher = Dispatcher(running, stopped, fatal, TimeSpan.FromSeconds(sinceLastPollSeconds)) };

        var entry = await CheckAsync(status, "kafka-dispatcher");

        Assert.Equal((expected, description), (entry.Status, entry.Description));
    }

    [Fact]
    public async Task Receivers_ThreeDeadLettersInARow_Degrades_NamingTheReceiver()
    {
        var deadLetters = new Dictionary<string, int> { ["OrderReceiver"] = 3, ["AuditReceiver"] = 2 };
        var status = new FakeStatus { Dispatcher = Dispatcher(true, false, null, TimeSpan.Zero, deadLetters) };

        var entry = await CheckAsync(status, "kafka-receivers");

        Assert.Equal(HealthStatus.Degraded, entry.Status);
        Assert.Equal("Receivers failing persistently (dead letters in a row): OrderReceiver (3)", entry.Description);
    }

    [Fact]
    public async Task Receivers_AStoppedReceiver_IsUnhealthy_NamingIt_BeforeAnyDeadLetterRun()
    {
        var deadLetters = new Dictionary<string, int> { ["AuditReceiver"] = 5 };
        var dispatcher = Dispatcher(true, false, null, TimeSpan.Zero, deadLetters);
        var status = new FakeStatus
        {
            Dispatcher = new KafkaDispatcherStatus(true, false, null, TimeSpan.Zero, StalledAfter, 0, deadLetters, true) { StoppedReceivers = ["OrderReceiver"], HeldPartitions = 2 },
        };

        var entry = await CheckAsync(status, "kafka-receivers");

        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Equal("Receivers stopped by their error policy: OrderReceiver; the messages they failed on stay uncommitted until they are restarted", entry.Description);
        Assert.Equal(2, entry.Data["held_partitions"]);
        Assert.Empty(dispatcher.StoppedReceivers); // nothing stopped unless said so
    }

    [Fact]
    public async Task AReceiverWhoseConsumerFailed_MakesTheNodeNeitherAliveNorReady_NamingItAndItsGroup()
    {
        var status = new FakeStatus { Receivers = [Receiver("Orders", KafkaReceiverState.Running), Receiver("Billing", KafkaReceiverState.Failed, "billing")] };

        var report = await ReportAsync(status);

        var expected = "The consumer of receivers Billing (group billing) failed: nothing reaches them until the node's consumption is restarted";
        Assert.Equal(HealthStatus.Unhealthy, report.Status);
        Assert.Equal((HealthStatus.Unhealthy, expected), (report.Entries["kafka-dispatcher"].Status, report.Entries["kafka-dispatcher"].Description));
        Assert.Equal((HealthStatus.Unhealthy, expected), (report.Entries["kafka-ready"].Status, report.Entries["kafka-ready"].Description));
        Assert.Equal(["Billing"], (string[])report.Entries["kafka-ready"].Data["receivers"]);
    }

    [Fact]
    public async Task WhileAReceiverIsStarting_TheNodeIsAliveButNotReady_EvenWithItsOwnTopicsAssigned()
    {
        var status = new FakeStatus { Receivers = [Receiver("Orders", KafkaReceiverState.Running), Receiver("Billing", KafkaReceiverState.Starting, "billing")] };

        var report = await ReportAsync(status);

        Assert.Equal(HealthStatus.Healthy, report.Entries["kafka-dispatcher"].Status);
        Assert.Equal(
            (HealthStatus.Unhealthy, "Receivers whose consumer has not joined its group yet: Billing (group billing)"),
            (report.Entries["kafka-ready"].Status, report.Entries["kafka-ready"].Description));
    }

    [Fact]
    public async Task AReceiverStoppedByItsPolicy_IsUnhealthy_NamedByItsId()
    {
        // Two registrations of one receiver type: the status tells them apart by id, where the dispatcher's names cannot.
        var status = new FakeStatus { Receivers = [Receiver("Ledger", KafkaReceiverState.Running), Receiver("Ledger-2", KafkaReceiverState.Stopped)] };

        var entry = await CheckAsync(status, "kafka-receivers");

        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Equal("Receivers stopped by their error policy: Ledger-2; the messages they failed on stay uncommitted until they are restarted", entry.Description);
        Assert.Equal(["Ledger-2"], (IReadOnlyList<string>)entry.Data["stopped"]);
    }

    [Fact]
    public async Task PausedAndRunningReceivers_LeaveTheNodeHealthyAndReady()
    {
        var status = new FakeStatus { Receivers = [Receiver("Orders", KafkaReceiverState.Paused), Receiver("Billing", KafkaReceiverState.Running, "billing")] };

        var report = await ReportAsync(status);

        Assert.Equal(HealthStatus.Healthy, report.Status);
        Assert.Equal("The node's topics are assigned", report.Entries["kafka-ready"].Description);
    }

    private static async Task<HealthReport> ReportAsync(FakeStatus status)
    {
        using var services = Build(status);
        return await services.GetRequiredService<HealthCheckService>().CheckHealthAsync(Ct);
    }

    private static KafkaReceiverStatus Receiver(string id, KafkaReceiverState state, string? group = null) =>
        new(id, id.Split('-')[0], "orders", group ?? "hyperiot_layer_node", group is not null, state, [new KafkaPartitionStatus("orders", 0, 5, 9, 4, 0, false)], 0, null);

    private static async Task<HealthReportEntry> CheckAsync(FakeStatus status, string name)
    {
        using var services = Build(status);
        var report = await services.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Name == name, Ct);
        return report.Entries[name];
    }

    private static ServiceProvider Build(FakeStatus status, bool twice = false)
    {
        var services = new ServiceCollection();
        var builder = services.AddKafkaConnector(o => o.All["bootstrap.servers"] = "127.0.0.1:9").AddKafkaHealthChecks();
        if (twice)
        {
            builder.AddKafkaHealthChecks();
        }

        services.Replace(ServiceDescriptor.Singleton<IKafkaConnectorStatus>(status));
        return services.BuildServiceProvider();
    }

    private static KafkaDispatcherStatus Dispatcher(bool running, bool stopped, string? fatal, TimeSpan sinceLastPoll, Dictionary<string, int>? deadLetters = null, bool ready = true) =>
        new(running, stopped, fatal, sinceLastPoll, StalledAfter, inFlight: 0, deadLetters ?? [], ready);

    private sealed class FakeStatus : IKafkaConnectorStatus
    {
        public KafkaBrokerStatus Brokers { get; init; } = new(1, "127.0.0.1:9092/1", null);

        public KafkaDispatcherStatus Dispatcher { get; init; } = KafkaHealthChecksTests.Dispatcher(true, false, null, TimeSpan.Zero);

        public Task<KafkaBrokerStatus> GetBrokerStatusAsync(CancellationToken cancellationToken = default) => Task.FromResult(Brokers);

        public KafkaDispatcherStatus GetDispatcherStatus() => Dispatcher;

        public IReadOnlyList<KafkaReceiverStatus> Receivers { get; init; } = [];

        public IReadOnlyList<KafkaReceiverStatus> GetReceiverStatus() => Receivers;
    }
}
