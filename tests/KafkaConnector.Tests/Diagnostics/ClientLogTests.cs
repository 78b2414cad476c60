using KafkaConnector.Messages;
using KafkaConnector.Testing;
using KafkaConnector.Tests.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KafkaConnector.Tests.Diagnostics;

/// <summary>What librdkafka reports reaches the log once per run of alike messages, and always the metrics.</summary>
public sealed class ClientLogTests
{
    [Fact]
    public async Task UnreachableBroker_ErrorsAreAllCounted_ButLoggedOncePerKind()
    {
        var ct = TestContext.Current.CancellationToken;
        var log = new CapturedLog();
        var services = new ServiceCollection();
        services.AddLogging(l => l.AddProvider(log).SetMinimumLevel(LogLevel.Debug));
        services.AddKafkaConnector(o =>
        {
            o.All["bootstrap.servers"] = "127.0.0.1:1"; // nothing listens there
            o.All["reconnect.backoff.ms"] = "10";
            o.All["reconnect.backoff.max.ms"] = "20";
        });
        await using var provider = services.BuildServiceProvider();
        using var metrics = new MetricRecorder(provider.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        var api = provider.GetRequiredService<IKafkaConnectorSystemApi>();

        api.Enqueue(new KafkaMessage("orders", null, [1]));
        await Eventually.UntilAsync(() => metrics.Sum("kafkaconnector.client.errors") >= 6, TimeSpan.FromSeconds(30),
            () => $"6 client errors counted, saw {metrics.Sum("kafkaconnector.client.errors")}", ct);

        var warnings = log.Entries.Where(e => e.Category == "KafkaConnector.Client" && e.Level >= LogLevel.Warning).ToList();
        // One librdkafka line and one error of each kind (transport, all brokers down): not one per error.
        Assert.True(warnings.Count <= 3, $"at most three warnings for {metrics.Sum("kafkaconnector.client.errors")} errors, logged:\n{string.Join("\n", warnings.Select(w => w.Message))}");
        Assert.NotEmpty(warnings);
    }
}
