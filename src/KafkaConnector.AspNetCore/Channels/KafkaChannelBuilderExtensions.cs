using KafkaConnector.AspNetCore.Channels;
using KafkaConnector.AspNetCore.Channels.Internal;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers channel mode.</summary>
public static class KafkaChannelBuilderExtensions
{
    /// <summary>
    /// Adds the channel broker: a hosted service that reads and writes the channel topic
    /// (<see cref="KafkaChannelOptions.Topic"/>). Options come from <c>KafkaConnector:Channels</c>
    /// when the connector was bound from configuration, then <paramref name="configure"/>. Needs
    /// the node's identity (<c>KafkaConnector:Layer</c>, <c>NodeId</c>). Calling it twice is harmless.
    /// </summary>
    public static IKafkaConnectorBuilder AddKafkaChannels(this IKafkaConnectorBuilder builder, Action<KafkaChannelOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<KafkaChannelOptions>();
        if (builder.Configuration is { } configuration && !builder.Services.Any(d => d.ServiceType == typeof(ChannelBroker)))
        {
            options.Bind(configuration.GetSection(KafkaChannelOptions.SectionName));
        }

        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.Validate(o => o.Partitions >= 1, "KafkaConnector:Channels:Partitions must be 1 or more.").ValidateOnStart();
        builder.Services.TryAddSingleton<ChannelBroker>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ChannelBroker>(sp => sp.GetRequiredService<ChannelBroker>()));
        return builder;
    }
}
