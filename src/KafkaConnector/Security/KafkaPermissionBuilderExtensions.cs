using KafkaConnector.Security;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the permission-checked <see cref="IKafkaConnectorApi"/>.</summary>
public static class KafkaPermissionBuilderExtensions
{
    /// <summary>
    /// Adds <see cref="IKafkaConnectorApi"/> and the default <see cref="IKafkaPermissionEvaluator"/>, whose
    /// rules are bound from <c>KafkaConnector:Permissions</c> (when the connector was bound from
    /// configuration), then adjusted by <paramref name="configure"/>, and validated at start-up.
    /// An evaluator or API registered before this call is kept; one registered after it wins.
    /// Calling it twice is harmless.
    /// </summary>
    public static IKafkaConnectorBuilder AddPermissions(this IKafkaConnectorBuilder builder, Action<KafkaPermissionOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var options = services.AddOptions<KafkaPermissionOptions>();
        if (!services.Any(d => d.ServiceType == typeof(PermissionsMarker)))
        {
            services.AddSingleton<PermissionsMarker>();
            services.AddSingleton(new KafkaConnector.Configuration.KafkaConnectorModuleSection(KafkaPermissionOptions.SectionName));
            if (builder.Configuration is { } configuration)
            {
                options.Bind(configuration.GetSection(KafkaPermissionOptions.SectionName));
            }

            options.ValidateOnStart();
        }

        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<KafkaPermissionOptions>, KafkaPermissionOptionsValidator>());
        services.TryAddSingleton<IKafkaPermissionEvaluator, RulePermissionEvaluator>();
        services.TryAddSingleton<PermissionGate>();
        services.TryAddSingleton<IKafkaPermissionGate>(sp => sp.GetRequiredService<PermissionGate>());
        services.TryAddSingleton<IKafkaConnectorApi, KafkaConnectorApi>();
        return builder;
    }

    /// <summary>Marks that the configuration was bound once, so that a second call does not bind the rules twice.</summary>
    private sealed class PermissionsMarker;
}
