using System.Diagnostics;
using System.Reflection;
using Confluent.Kafka;
using static KafkaConnector.EmbeddedKafka.Tests.ClientHelpers;

namespace KafkaConnector.EmbeddedKafka.Tests;

/// <summary>The broker as its own process (what <c>./build.sh broker</c> runs) serves clients in other processes.</summary>
public sealed class StandaloneBrokerProcessTests
{
    private static ProcessStartInfo BrokerTool(params string[] args)
    {
        var tool = typeof(StandaloneBrokerProcessTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "BrokerToolPath").Value!;
        Assert.True(File.Exists(tool), $"broker tool not built at {tool}");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args.Prepend(tool))
        {
            start.ArgumentList.Add(arg);
        }

        return start;
    }

    [Fact]
    public async Task BrokerProcess_PrintsBootstrapServers_ServesClients_AndStopsOnSigterm()
    {
        var ct = TestContext.Current.CancellationToken;
        var bootstrapFile = Path.Combine(Path.GetTempPath(), $"bootstrap-{Guid.NewGuid():N}");
        var start = BrokerTool("--brokers", "2", "--bootstrap-file", bootstrapFile, "--topic", "standalone:3");

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

    [Theory]
    [InlineData("--brokers 0", "error: --brokers '0': the broker count must be a whole number of at least 1")]
    [InlineData("--brokers many", "error: --brokers 'many': the broker count must be a whole number of at least 1")]
    [InlineData("--topic a --topic a", "error: --topic 'a': topic 'a' is given more than once")]
    [InlineData("--topic orders:2 --topic orders:3", "error: --topic 'orders:3': topic 'orders' is given more than once")]
    [InlineData("--topic :3", "error: --topic ':3': the topic name is empty")]
    [InlineData("--brokers", "error: unknown or incomplete argument '--brokers'")]
    public async Task BadArguments_PrintAClearError_AndExit2_WithoutStartingABroker(string arguments, string error)
    {
        var ct = TestContext.Current.CancellationToken;
        using var broker = Process.Start(BrokerTool(arguments.Split(' ')))!;
        try
        {
            var stdout = broker.StandardOutput.ReadToEndAsync(ct);
            var stderr = broker.StandardError.ReadToEndAsync(ct);
            await broker.WaitForExitAsync(ct).WaitAsync(WaitLimit, ct);

            Assert.Equal(2, broker.ExitCode);
            var lines = (await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            Assert.Equal(error, lines.FirstOrDefault());
            Assert.StartsWith("usage: kafkaconnector-broker", lines.ElementAtOrDefault(1), StringComparison.Ordinal);
            Assert.Empty(await stdout); // no bootstrap.servers line: no broker started
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
