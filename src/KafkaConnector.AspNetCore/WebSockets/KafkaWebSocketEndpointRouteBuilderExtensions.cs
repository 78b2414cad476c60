using KafkaConnector.AspNetCore.WebSockets;
using KafkaConnector.AspNetCore.WebSockets.Internal;
using Microsoft.AspNetCore.Routing;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps standard-mode Kafka WebSocket endpoints.</summary>
public static class KafkaWebSocketEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps a WebSocket endpoint at <paramref name="pattern"/>: each connection gets a new
    /// <typeparamref name="TSession"/>, which chooses the topics whose records are pushed to the
    /// socket. Needs <c>app.UseWebSockets()</c>, authentication, and <c>AddPermissions()</c> on the
    /// connector's builder. A request that is not a WebSocket upgrade gets 400, an anonymous one 401,
    /// one whose user may not consume a topic 403.
    /// </summary>
    public static IEndpointConventionBuilder MapKafkaWebSocket<TSession>(this IEndpointRouteBuilder endpoints, string pattern, Action<KafkaWebSocketOptions>? configure = null)
        where TSession : KafkaWebSocketSession
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var options = new KafkaWebSocketOptions();
        configure?.Invoke(options);
        options.Validate();
        return endpoints.Map(pattern, context => StandardEndpoint.HandleAsync<TSession>(context, options));
    }
}
