using KafkaConnector.Cluster;
using KafkaConnector.Diagnostics;
using KafkaConnector.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace KafkaConnector.Tests.Diagnostics;

/// <summary>A node whose consumer failed for good never looks ready again.</summary>
public sealed class ReadinessTests(KafkaFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheNodesConsumerFailing_FaultsWaitUntilReady_EvenAfterItWasReady()
    {
        await using var node = await NodeHost.StartAsync(fixture.Cluster, NodeHost.NewLayer(), "n");
        var status = node.Host.Services.GetRequiredService<IKafkaConnectorStatus>();
        Assert.True(status.GetDispatcherStatus() is { IsReady: true, FatalError: null });
        await node.Cluster.WaitUntilReadyAsync(Ct);

        // What the dispatcher reports when its consumer fails fatally (log event 1211).
        node.Host.Services.GetRequiredService<KafkaCluster>().OnConsumerFailed("Local_Fatal: fenced by a newer instance");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => node.Cluster.WaitUntilReadyAsync(Ct));
        Assert.Equal("The node's consumer failed and the node cannot work: Local_Fatal: fenced by a newer instance. See the log (event 1211) for the cause.", error.Message);
        var request = await Assert.ThrowsAsync<InvalidOperationException>(() => node.Cluster.RequestAsync("n", "echo", null, cancellationToken: Ct));
        Assert.Equal(error.Message, request.Message);
    }
}
