using System.Diagnostics;
using System.Reflection;
using Confluent.Kafka;
using static KafkaConnector.Testing.Tests.ClientHelpers;

namespace KafkaConnector.Testing.Tests;

/// <summary>The broker as its own process (what <c>./build.sh broker</c> runs) serves clients in other processes.</summary>
public sealed class StandaloneBrokerProcessTests
{
    [Fact]
    public async Task BrokerProcess_PrintsBootstrapServers_ServesClients_AndStopsOnSigterm()
    {
        var ct = TestContext.Current.CancellationToken;
        var tool = typeof(StandaloneBrokerProcessTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "BrokerToolPath").Value!;
        Assert.True(File.Exists(tool), $"broker tool not built at {tool}");
        var bootstrapFile = Path.Combine(Path.GetTempPath(), $"bootstrap-{Guid.NewGuid():N}");

        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { tool, "--brokers", "2", "--bootstrap-file", bootstrapFile, "--topic", "standalone:3" })
        {
            start.ArgumentList.Add(arg);
        }

        using var broker = Process.Start(start)!;
        try
        {
            var line = await broker.StandardOutput.ReadLineAsync(ct).AsTask().WaitAsync(WaitLimit, ct);
            Assert.NotNull(line);
            Assert.StartsWith("bootstrap.servers=", line, StringComparison.Ordinal);
            var bootstrap = line["bootstrap.servers=".Length..];
            Assert.Equal(2, bootstrap.Split(',').Length);
            Assert.Equal(bootstrap, await File.ReadAllTextAsync(bootstrapFile, ct));

            using var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = bootstrap }).Build();
            await producer.ProduceAsync("standalone", new Message<string, string> { Key = "from", Value = "another process" }, ct);
            using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
            {
                BootstrapServers = bootstrap,
                GroupId = "standalone",
                AutoOffsetReset = AutoOffsetReset.Earliest,
            }).Build();
            consumer.Subscribe("standalone");
            var received = ConsumeExactly(consumer, 1).Single();
            Assert.Equal("another process", received.Message.Value);
            Assert.Equal(3, consumer.Assignment.Count);
            consumer.Close();

            using (var kill = Process.Start("kill", ["-TERM", broker.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync(ct);
            }

            await broker.WaitForExitAsync(ct).WaitAsync(WaitLimit, ct);
            Assert.Equal(0, broker.ExitCode);
            Assert.False(File.Exists(bootstrapFile), "the bootstrap file should be removed on a clean stop");
        }
        finally
        {
            if (!broker.HasExited)
            {
                broker.Kill();
            }
        }
    }
}
