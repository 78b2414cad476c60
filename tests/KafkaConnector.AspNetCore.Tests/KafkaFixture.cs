using KafkaConnector.Testing;

[assembly: AssemblyFixture(typeof(KafkaConnector.AspNetCore.Tests.KafkaFixture))]

namespace KafkaConnector.AspNetCore.Tests;

/// <summary>One cluster for the whole test assembly; tests isolate themselves by topic, group and layer.</summary>
public sealed class KafkaFixture : IAsyncLifetime
{
    public KafkaTestCluster Cluster { get; private set; } = null!;

    public ValueTask InitializeAsync()
    {
        Cluster = KafkaTestCluster.Start();
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => Cluster.DisposeAsync();
}
