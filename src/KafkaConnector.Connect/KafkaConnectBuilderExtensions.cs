using KafkaConnector.Admin;
using KafkaConnector.Connect;
using KafkaConnector.Security;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Kafka Connect management client, <see cref="IKafkaConnectClient"/>, and its permission-checked <see cref="IKafkaConnectApi"/>.</summary>
public static class KafkaConnectBuilderExtensions
{
    /// <summary>
    /// Registers <see cref="IKafkaConnectClient"/> with <see cref="KafkaConnectOptions"/> bound from the
    /// <c>Connect</c> sub-section of the connector's configuration (<c>KafkaConnector:Connect</c>) and validated at
    /// start-up, and <see cref="IKafkaConnectApi"/>, which needs <c>AddPermissions()</c> as well. Deleting a
    /// connector's topics goes through the connector's <see cref="IKafkaAdminApi"/>. A second call changes nothing.
    /// </summary>
    /// <param name="builder">The connector builder.</param>
    /// <returns>The same builder, for chaining.</returns>
    public static IKafkaConnectorBuilder AddKafkaConnect(this IKafkaConnectorBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        if (services.Any(static service => service.ServiceType == typeof(IKafkaConnectClient)))
        {
            return builder;
        }

        services.AddSingleton(new KafkaConnector.Configuration.KafkaConnectorModuleSection(KafkaConnectOptions.SectionName));
        var options = services.AddOptions<KafkaConnectOptions>();
        if (builder.Configuration is { } configuration)
        {
            options.Bind(configuration.GetSection(KafkaConnectOptions.SectionName));
        }

        options.ValidateOnStart();
        services.TryAddSingleton(new KafkaConnectSection(SectionPath(builder.Configuration)));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<KafkaConnectOptions>, KafkaConnectOptionsValidator>());
        services.AddHttpClient<IKafkaConnectClient, KafkaConnectClient>(static (provider, http) =>
            KafkaConnectClient.ConfigureHttpClient(http, provider.GetRequiredService<IOptions<KafkaConnectOptions>>()));
        if (services.Any(static service => service.ServiceType == typeof(IKafkaAdminApi)))
        {
            services.TryAddSingleton<IKafkaConnectTopicDeleter, AdminTopicDeleter>();
        }

        services.TryAddTransient<IKafkaConnectApi>(static provider => new KafkaConnectApi(
            provider.GetService<IKafkaPermissionGate>()
                ?? throw new InvalidOperationException("IKafkaConnectApi checks permissions: call AddPermissions() on the connector builder."),
            provider.GetRequiredService<IKafkaConnectClient>()));
        return builder;
    }

    /// <summary>
    /// Registers <see cref="IKafkaConnectClient"/> as <see cref="AddKafkaConnect(IKafkaConnectorBuilder)"/> does, then
    /// applies <paramref name="configure"/> over the configured values.
    /// </summary>
    /// <param name="builder">The connector builder.</param>
    /// <param name="configure">Sets options in code, such as <see cref="KafkaConnectOptions.Url"/>.</param>
    /// <returns>The same builder, for chaining.</returns>
    public static IKafkaConnectorBuilder AddKafkaConnect(this IKafkaConnectorBuilder builder, Action<KafkaConnectOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        builder.AddKafkaConnect().Services.Configure(configure);
        return builder;
    }

    private static string SectionPath(IConfiguration? configuration) =>
        configuration is IConfigurationSection { Path.Length: > 0 } section
            ? ConfigurationPath.Combine(section.Path, KafkaConnectOptions.SectionName)
            : KafkaConnectSection.DefaultPath;
}
