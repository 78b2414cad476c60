using KafkaConnector.Testing;

[assembly: AssemblyFixture(typeof(KafkaConnector.Testing.Tests.KafkaFixture))]

namespace KafkaConnector.Testing.Tests;

/// <summary>One cluster for the whole test assembly; tests isolate themselves by topic and group.</summary>
public sealed class KafkaFixture : IAsyncLifetime
{
    public KafkaTestCluster Cluster { get; private set; } = null!;

    public ValueTask InitializeAsync()
    {
        Cluster = KafkaTestCluster.Start();
        Console.WriteLine(Cluster.IsEmbedded
            ? $"[tests] KafkaConnector.Testing.Tests: embedded broker at {Cluster.BootstrapServers}"
            : $"[tests] KafkaConnector.Testing.Tests: external cluster {Cluster.BootstrapServers}");
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => Cluster.DisposeAsync();
}
