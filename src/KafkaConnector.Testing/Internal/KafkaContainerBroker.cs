using DotNet.Testcontainers.Builders;
using Testcontainers.Kafka;

namespace KafkaConnector.Testing.Internal;

/// <summary>Starts a real Apache Kafka broker in a container, or says at once why it cannot.</summary>
internal static class KafkaContainerBroker
{
    internal const string Image = "confluentinc/cp-kafka:7.6.1";

    /// <exception cref="InvalidOperationException">No Docker engine answers; the message names what was tried and the ways out.</exception>
    internal static async Task<KafkaContainer> StartAsync(CancellationToken cancellationToken)
    {
        if (await DockerEngine.ProbeAsync(Environment.GetEnvironmentVariable("DOCKER_HOST"), cancellationToken).ConfigureAwait(false) is { } missing)
        {
            throw Unavailable(missing);
        }

        var container = new KafkaBuilder(Image).Build();
        try
        {
            await container.StartAsync(cancellationToken).ConfigureAwait(false);
            return container;
        }
        catch (DockerUnavailableException e)
        {
            await container.DisposeAsync().ConfigureAwait(false);
            throw Unavailable($"no Docker engine: {e.Message}");
        }
    }

    private static InvalidOperationException Unavailable(string why) => new(
        $"{BrokerModeSelection.ModeVariable}=testcontainers runs the tests against Kafka ({Image}) in a container, and there is {why}. " +
        $"Start a Docker engine (or point DOCKER_HOST at one), or unset {BrokerModeSelection.ModeVariable} to use the embedded broker.");
}
