using KafkaConnector.Testing;

[assembly: AssemblyFixture(typeof(KafkaConnector.Tests.KafkaFixture))]

namespace KafkaConnector.Tests;

/// <summary>One cluster for the whole test assembly; tests isolate themselves by topic and group.</summary>
public sealed class KafkaFixture : IAsyncLifetime
{
    public KafkaTestCluster Cluster { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Cluster = await KafkaTestCluster.StartAsync(cancellationToken: TestContext.Current.CancellationToken);

    public ValueTask DisposeAsync() => Cluster.DisposeAsync();
}
