using KafkaConnector.AspNetCore.Dashboard.Internal;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the live dashboard's data sources.</summary>
public static class KafkaDashboardBuilderExtensions
{
    /// <summary>
    /// Adds what the dashboard reads: a listener on this host's <c>KafkaConnector</c> meter,
    /// the cluster's member events and the dead-letter topics this node writes. Calling it twice is harmless.
    /// </summary>
    public static IKafkaConnectorBuilder AddKafkaDashboard(this IKafkaConnectorBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<NodeMetrics>();
        builder.Services.TryAddSingleton<DashboardFeed>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, DashboardFeed>(sp => sp.GetRequiredService<DashboardFeed>()));
        return builder;
    }
}
