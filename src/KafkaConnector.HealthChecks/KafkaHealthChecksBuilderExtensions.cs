using KafkaConnector.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the connector's health checks.</summary>
public static class KafkaHealthChecksBuilderExtensions
{
    /// <summary>
    /// Adds three health checks, tagged <c>kafka</c>: <c>kafka-brokers</c> (metadata from the
    /// brokers), <c>kafka-dispatcher</c> (the node's consumer loop is alive and polling) and
    /// <c>kafka-receivers</c> (degraded when a receiver keeps dead-lettering). Expose them with
    /// ASP.NET Core's <c>MapHealthChecks</c> or read them from <see cref="HealthCheckService"/>. They read
    /// <see cref="KafkaConnector.Diagnostics.IKafkaConnectorStatus"/>. A second call changes nothing.
    /// </summary>
    public static IKafkaConnectorBuilder AddKafkaHealthChecks(this IKafkaConnectorBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.Services.Any(d => d.ServiceType == typeof(KafkaBrokerHealthCheck)))
        {
            return builder;
        }

        builder.Services.AddSingleton<KafkaBrokerHealthCheck>();
        builder.Services.AddHealthChecks()
            .AddCheck<KafkaBrokerHealthCheck>("kafka-brokers", HealthStatus.Unhealthy, ["kafka"])
            .AddCheck<KafkaDispatcherHealthCheck>("kafka-dispatcher", HealthStatus.Unhealthy, ["kafka"])
            .AddCheck<KafkaReceiversHealthCheck>("kafka-receivers", HealthStatus.Degraded, ["kafka"]);
        return builder;
    }
}
