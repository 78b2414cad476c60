using KafkaConnector.AspNetCore.Channels.Internal;
using KafkaConnector.AspNetCore.WebSockets;
using Microsoft.AspNetCore.Routing;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the channel-mode WebSocket endpoint.</summary>
public static class KafkaChannelEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps channel mode at <paramref name="pattern"/>: authenticated users create, join and leave
    /// channels and talk in them, across the nodes of the layer. Needs <c>app.UseWebSockets()</c>
    /// and <c>AddKafkaChannels()</c>. Not a WebSocket request: 400; anonymous: 401.
    /// </summary>
    public static IEndpointConventionBuilder MapKafkaChannels(this IEndpointRouteBuilder endpoints, string pattern, Action<KafkaWebSocketOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var options = new KafkaWebSocketOptions();
        configure?.Invoke(options);
        options.Validate();
        return endpoints.Map(pattern, context => ChannelEndpoint.HandleAsync(context, options));
    }
}
