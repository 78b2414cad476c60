using KafkaConnector.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace KafkaConnector.Tests.Diagnostics;

/// <summary>The metrics as an application sees them through OpenTelemetry's SDK with its default settings.</summary>
/// <remarks>Alone: the SDK listens to every meter named KafkaConnector in the process, other tests' hosts included.</remarks>
[Collection(SerialTests.Name)]
public sealed class OpenTelemetryMetricsTests
{
    private static (List<Metric> Exported, Action Flush, IDisposable Scope) Export(Action<KafkaConnectorMetrics> record)
    {
        var exported = new List<Metric>();
        var provider = Sdk.CreateMeterProviderBuilder()
            .AddMeter(KafkaConnectorInfo.Name)
            .AddInMemoryExporter(exported)
            .Build();
        var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var metrics = new KafkaConnectorMetrics(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        record(metrics);
        return (exported, () => provider.ForceFlush(), new Disposables(services, provider));
    }

    [Fact]
    public void DurationHistograms_CarryBucketAdvice_SoLatenciesSpreadOverBuckets()
    {
        var (exported, flush, scope) = Export(m =>
        {
            m.ProduceCompleted("orders", TimeSpan.FromMilliseconds(0.8), errorType: null);
            m.ProduceCompleted("orders", TimeSpan.FromMilliseconds(4), errorType: null);
            m.ProduceCompleted("orders", TimeSpan.FromMilliseconds(40), errorType: null);
            m.Processed("orders", "OrderReceiver", "n1", TimeSpan.FromMilliseconds(2), "success");
        });
        using (scope)
        {
            flush();

            foreach (var name in new[] { "messaging.client.operation.duration", "messaging.process.duration" })
            {
                var metric = exported.Single(x => x.Name == name);
                var bounds = new List<double>();
                var counts = new List<long>();
                foreach (ref readonly var point in metric.GetMetricPoints())
                {
                    bounds.Clear();
                    counts.Clear();
                    foreach (var bucket in point.GetHistogramBuckets())
                    {
                        bounds.Add(bucket.ExplicitBound);
                        counts.Add(bucket.BucketCount);
                    }
                }

                Assert.Equal([.. KafkaConnectorMetrics.DurationBuckets, double.PositiveInfinity], bounds);
                Assert.True(counts[0] == 0 || name == "messaging.client.operation.duration", $"{name}: counts {string.Join(",", counts)}");
            }

            var produce = exported.Single(x => x.Name == "messaging.client.operation.duration");
            var nonEmpty = 0;
            foreach (ref readonly var point in produce.GetMetricPoints())
            {
                foreach (var bucket in point.GetHistogramBuckets())
                {
                    nonEmpty += bucket.BucketCount > 0 ? 1 : 0;
                }
            }

            Assert.Equal(3, nonEmpty);
        }
    }

    [Fact]
    public void Meter_IsVersioned_AndEveryMeasurementNamesTheMessagingSystem()
    {
        var (exported, flush, scope) = Export(m =>
        {
            m.Sent("orders");
            m.Consumed("orders");
            m.ProduceCompleted("orders", TimeSpan.FromMilliseconds(1), errorType: null);
        });
        using (scope)
        {
            flush();

            Assert.NotEmpty(exported);
            foreach (var metric in exported)
            {
                Assert.Equal(KafkaConnectorInfo.Version, metric.MeterVersion);
                Assert.Contains(metric.MeterTags ?? [], t => t.Key == "messaging.system" && (string?)t.Value == "kafka");
                if (!metric.Name.StartsWith("messaging.", StringComparison.Ordinal))
                {
                    continue; // the connector's own gauges (in flight, paused partitions) have no destination
                }

                foreach (ref readonly var point in metric.GetMetricPoints())
                {
                    var tags = new Dictionary<string, object?>();
                    foreach (var tag in point.Tags)
                    {
                        tags[tag.Key] = tag.Value;
                    }

                    Assert.True(tags.TryGetValue("messaging.system", out var system) && (string?)system == "kafka", $"{metric.Name}: messaging.system missing in {string.Join(",", tags.Keys)}");
                    Assert.Equal("orders", tags["messaging.destination.name"]);
                    Assert.True(tags.ContainsKey("messaging.operation.name"), $"{metric.Name} lacks messaging.operation.name");
                }
            }

            Assert.Matches(@"^\d+\.\d+\.\d+", KafkaConnectorInfo.Version);
        }
    }

    private sealed class Disposables(params IDisposable[] items) : IDisposable
    {
        public void Dispose()
        {
            foreach (var item in items)
            {
                item.Dispose();
            }
        }
    }
}
