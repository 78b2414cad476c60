using KafkaConnector.EmbeddedKafka;
using KafkaConnector.Testing;

[assembly: AssemblyFixture(typeof(KafkaConnector.EmbeddedKafka.Tests.KafkaFixture))]

namespace KafkaConnector.EmbeddedKafka.Tests;

/// <summary>One cluster for the whole test assembly; tests isolate themselves by topic and group.</summary>
public sealed class KafkaFixture : IAsyncLifetime
{
    public KafkaTestCluster Cluster { get; private set; } = null!;

    public ValueTask InitializeAsync()
    {
        Cluster = KafkaTestCluster.Start();
        Console.WriteLine(Cluster.IsEmbedded
            ? $"[tests] KafkaConnector.EmbeddedKafka.Tests: embedded broker at {Cluster.BootstrapServers}"
            : $"[tests] KafkaConnector.EmbeddedKafka.Tests: external cluster {Cluster.BootstrapServers}");
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => Cluster.DisposeAsync();
}
