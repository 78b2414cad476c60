using KafkaConnector.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the connector's health checks.</summary>
public static class KafkaHealthChecksBuilderExtensions
{
    /// <summary>The tag of the checks a liveness probe should run: failing them, a restart may help.</summary>
    public const string LiveTag = "live";

    /// <summary>The tag of the checks a readiness probe should run: failing them, send the node no work.</summary>
    public const string ReadyTag = "ready";

    /// <summary>
    /// Adds five health checks, tagged <c>kafka</c> and either <see cref="LiveTag"/> or
    /// <see cref="ReadyTag"/>: <c>kafka-dispatcher</c> (live: the node's consumer loop is alive, no
    /// receiver's consumer failed), <c>kafka-transactions</c> (live: no transactional receiver failed
    /// fatally, was fenced or stopped), <c>kafka-brokers</c> (ready: metadata from the brokers),
    /// <c>kafka-ready</c> (ready: the node's topics are assigned, no receiver still starting, no fatal
    /// error) and <c>kafka-receivers</c> (ready, unhealthy
    /// when an error policy stopped a receiver, degraded when a receiver keeps dead-lettering). Map liveness and readiness probes with ASP.NET Core's
    /// <c>MapHealthChecks("/live", new() { Predicate = c =&gt; c.Tags.Contains("live") })</c>, or read
    /// them from <see cref="HealthCheckService"/>. They read
    /// <see cref="KafkaConnector.Diagnostics.IKafkaConnectorStatus"/> and, when transactional receivers
    /// are registered, <see cref="KafkaConnector.Diagnostics.IKafkaTransactionalStatus"/>. A second call changes nothing.
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
            .AddCheck<KafkaDispatcherHealthCheck>("kafka-dispatcher", HealthStatus.Unhealthy, ["kafka", LiveTag])
            .AddCheck<KafkaTransactionsHealthCheck>("kafka-transactions", HealthStatus.Unhealthy, ["kafka", LiveTag])
            .AddCheck<KafkaBrokerHealthCheck>("kafka-brokers", HealthStatus.Unhealthy, ["kafka", ReadyTag])
            .AddCheck<KafkaReadinessHealthCheck>("kafka-ready", HealthStatus.Unhealthy, ["kafka", ReadyTag])
            .AddCheck<KafkaReceiversHealthCheck>("kafka-receivers", HealthStatus.Degraded, ["kafka", ReadyTag]);
        return builder;
    }
}
