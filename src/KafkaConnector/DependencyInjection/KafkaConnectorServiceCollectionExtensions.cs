using KafkaConnector;
using KafkaConnector.Admin;
using KafkaConnector.Hosting;
using KafkaConnector.Cluster;
using KafkaConnector.Configuration;
using KafkaConnector.Diagnostics;
using KafkaConnector.Receivers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers KafkaConnector in a service collection.</summary>
public static class KafkaConnectorServiceCollectionExtensions
{
    /// <summary>The environment variable used for <c>All:bootstrap.servers</c> when configuration sets none there.</summary>
    public const string BootstrapServersVariable = "KAFKA_BOOTSTRAP_SERVERS";

    private const string BootstrapServers = "bootstrap.servers";

    /// <summary>
    /// Adds the connector, bound from the <c>KafkaConnector</c> section of <paramref name="configuration"/>
    /// (or from <paramref name="configuration"/> itself when it is that section), validated at start-up.
    /// </summary>
    public static IKafkaConnectorBuilder AddKafkaConnector(this IServiceCollection services, IConfiguration configuration) =>
        services.AddKafkaConnector(configuration, configure: null);

    /// <summary>Adds the connector configured in code only.</summary>
    public static IKafkaConnectorBuilder AddKafkaConnector(this IServiceCollection services, Action<KafkaConnectorOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return services.AddKafkaConnector(configuration: null, configure);
    }

    /// <summary>Adds the connector bound from configuration, then adjusted by <paramref name="configure"/>.</summary>
    public static IKafkaConnectorBuilder AddKafkaConnector(this IServiceCollection services, IConfiguration? configuration, Action<KafkaConnectorOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        var section = configuration switch
        {
            null => null,
            IConfigurationSection s when string.Equals(s.Key, KafkaConnectorOptions.SectionName, StringComparison.OrdinalIgnoreCase) => s,
            // The connector's own section under another name (GetSection("Messaging:Kafka")).
            IConfigurationSection s when !s.GetSection(KafkaConnectorOptions.SectionName).Exists() && s.GetChildren().Any() => s,
            _ => configuration.GetSection(KafkaConnectorOptions.SectionName),
        };

        var options = services.AddOptions<KafkaConnectorOptions>();
        if (section is not null)
        {
            options.Bind(section);
            services.AddSingleton<IValidateOptions<KafkaConnectorOptions>>(sp =>
                new KafkaConnectorSectionValidator(configuration, section, sp.GetServices<KafkaConnectorModuleSection>()));
        }

        if (configure is not null)
        {
            options.Configure(configure);
        }

        if (!services.Any(d => d.ServiceType == typeof(KafkaConnectorMarker)))
        {
            services.AddSingleton<KafkaConnectorMarker>();
            options.PostConfigure(ApplyEnvironmentBootstrapServers).ValidateOnStart();
        }

        services.AddLogging();
        services.AddMetrics();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<KafkaConnectorOptions>, KafkaConnectorOptionsValidator>());
        services.TryAddSingleton<KafkaConnectorMetrics>();
        services.TryAddSingleton<KafkaClientFactory>();
        services.TryAddSingleton<KafkaConnectorSystemApi>();
        services.TryAddSingleton<IKafkaConnectorSystemApi>(sp => sp.GetRequiredService<KafkaConnectorSystemApi>());
        services.TryAddSingleton<KafkaAdminApi>();
        services.TryAddSingleton<IKafkaAdminApi>(sp => sp.GetRequiredService<KafkaAdminApi>());
        services.TryAddSingleton<NodeIdentity>();
        services.TryAddSingleton<ReceiverRegistry>();
        services.TryAddSingleton<IKafkaReceiverRegistry>(sp => sp.GetRequiredService<ReceiverRegistry>());
        services.TryAddSingleton<IKafkaTopicProvisioner, AdminTopicProvisioner>();
        services.TryAddSingleton<KafkaCluster>();
        services.TryAddSingleton<IKafkaCluster>(sp => sp.GetRequiredService<KafkaCluster>());
        services.TryAddSingleton<IClusterTrafficHandler>(sp => sp.GetRequiredService<KafkaCluster>());
        services.TryAddSingleton<ConsumptionControl>();
        services.TryAddSingleton<DispatcherServices>();
        services.TryAddSingleton<KafkaDispatchers>();
        services.TryAddSingleton<IKafkaReceiverControl, ReceiverControl>();
        services.TryAddSingleton<IKafkaConnectorStatus, KafkaConnectorStatus>();
        services.TryAddSingleton<KafkaClusterHostedService>();

        // One hosted service owns the order: membership leaves, the dispatcher drains and commits,
        // then the shared producer is flushed, within one budget (Hosting/KafkaConnectorHost.cs).
        services.TryAddSingleton<KafkaConnectorHost>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, KafkaConnectorHost>(sp => sp.GetRequiredService<KafkaConnectorHost>()));

        return new KafkaConnectorBuilder(services, section);
    }

    private static void ApplyEnvironmentBootstrapServers(KafkaConnectorOptions options) =>
        ApplyBootstrapServersFallback(options, Environment.GetEnvironmentVariable(BootstrapServersVariable));

    /// <summary>
    /// Fills <c>All:bootstrap.servers</c> from <paramref name="fromEnvironment"/> whenever <c>All</c>
    /// has none, so every client has brokers; a <c>Producer</c>, <c>Consumer</c> or <c>Admin</c>
    /// value still wins for its own clients.
    /// </summary>
    internal static void ApplyBootstrapServersFallback(KafkaConnectorOptions options, string? fromEnvironment)
    {
        if (string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return;
        }

        var spellings = options.All.Keys.Where(k => KafkaClientFactory.NormalizeKey(k) == BootstrapServers).ToList();
        if (spellings.Any(k => !string.IsNullOrWhiteSpace(options.All[k])))
        {
            return;
        }

        // Blank spellings (bootstrap_servers="") would otherwise win the merge over the filled value.
        spellings.ForEach(k => options.All.Remove(k));
        options.All[BootstrapServers] = fromEnvironment.Trim();
    }

    private sealed record KafkaConnectorBuilder(IServiceCollection Services, IConfiguration? Configuration) : IKafkaConnectorBuilder;

    /// <summary>Marks that the one-time registrations were made, so a second AddKafkaConnector call is harmless.</summary>
    private sealed class KafkaConnectorMarker;
}
