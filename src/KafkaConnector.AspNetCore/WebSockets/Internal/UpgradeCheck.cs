using KafkaConnector.AspNetCore.Internal;
using KafkaConnector.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KafkaConnector.AspNetCore.WebSockets.Internal;

/// <summary>What every Kafka WebSocket endpoint checks before it accepts: a WebSocket request, from an authenticated user.</summary>
internal static class UpgradeCheck
{
    public static async Task<bool> PassesAsync(HttpContext context, ILogger logger, string name)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await Results.Problem(statusCode: StatusCodes.Status400BadRequest, detail: "This endpoint accepts WebSocket requests only (and needs app.UseWebSockets()).")
                .ExecuteAsync(context).ConfigureAwait(false);
            return false;
        }

        if (AuthenticatedUser.Refusal(context) is { } refusal)
        {
            WebSocketLog.Refused(logger, name, "unauthenticated");
            await refusal.ExecuteAsync(context).ConfigureAwait(false);
            return false;
        }

        return true;
    }

    /// <summary>Fires when the host starts stopping: open sockets then close with 1001.</summary>
    public static CancellationToken Stopping(HttpContext context) =>
        context.RequestServices.GetService<IHostApplicationLifetime>()?.ApplicationStopping ?? CancellationToken.None;

    public static IKafkaConnectorApi Api(HttpContext context) =>
        context.RequestServices.GetService<IKafkaConnectorApi>()
        ?? throw new InvalidOperationException("The Kafka WebSocket endpoints need the permission-checked API: call AddPermissions() on the connector's builder.");
}
