using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using KafkaConnector.Testing.Internal;

namespace KafkaConnector.Testing.Tests;

/// <summary>Without a Docker engine the container mode fails at once and says why; these tests point DOCKER_HOST at places where none is.</summary>
public sealed class KafkaContainerBrokerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Probe_SocketFileMissing_NamesTheSocket()
    {
        var path = Path.Combine(Path.GetTempPath(), $"no-docker-{Guid.NewGuid():N}.sock");

        var missing = await DockerEngine.ProbeAsync($"unix://{path}", Ct);

        Assert.Equal($"no Docker engine: nothing listens at DOCKER_HOST=unix://{path}, the socket file does not exist", missing);
    }

    [Fact]
    public async Task Probe_TcpPortClosed_SaysTheEngineRefused()
    {
        var port = ClosedPort();

        var missing = await DockerEngine.ProbeAsync($"tcp://127.0.0.1:{port}", Ct);

        Assert.StartsWith($"no Docker engine: DOCKER_HOST=tcp://127.0.0.1:{port} refused the connection", missing, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Probe_SomethingListens_FindsTheEngine()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();

        var missing = await DockerEngine.ProbeAsync($"tcp://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}", Ct);

        Assert.Null(missing);
    }

    [Fact]
    public async Task Probe_UnknownScheme_SaysWhatItExpects()
    {
        var missing = await DockerEngine.ProbeAsync("npipe:////./pipe/docker_engine", Ct);

        Assert.Equal("no Docker engine: DOCKER_HOST=npipe:////./pipe/docker_engine is neither unix:///path nor tcp://host:port", missing);
    }

    [Fact]
    public async Task StartAsync_WithoutAnEngine_FailsWellUnderFiveSeconds_NamingTheMissingEngineAndTheWayOut()
    {
        var previous = Environment.GetEnvironmentVariable("DOCKER_HOST");
        Environment.SetEnvironmentVariable("DOCKER_HOST", $"tcp://127.0.0.1:{ClosedPort()}");
        try
        {
            var watch = Stopwatch.StartNew();
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => KafkaContainerBroker.StartAsync(Ct));

            Assert.InRange(watch.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(5));
            Assert.StartsWith("KAFKA_TEST_BROKER=testcontainers runs the tests against Kafka (confluentinc/cp-kafka:7.6.1) in a container, and there is no Docker engine:", error.Message, StringComparison.Ordinal);
            Assert.EndsWith("Start a Docker engine (or point DOCKER_HOST at one), or unset KAFKA_TEST_BROKER to use the embedded broker.", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable("DOCKER_HOST", previous);
        }
    }

    /// <summary>A loopback port nothing listens on: bound, then released.</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
