using System.Net.WebSockets;
using KafkaConnector.AspNetCore.WebSockets;
using KafkaConnector.AspNetCore.WebSockets.Internal;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using static KafkaConnector.AspNetCore.Channels.KafkaChannelCommands;

namespace KafkaConnector.AspNetCore.Channels.Internal;

/// <summary>One channel-mode socket: reads envelopes, stamps sender and origin, hands them to the broker.</summary>
internal static class ChannelEndpoint
{
    private static readonly HashSet<string> Commands = new(StringComparer.Ordinal)
    {
        CreateChannel, DeleteChannel, JoinChannel, LeaveChannel, SendMessage, SendPrivateMessage, KickUser, BanUser, UnbanUser, PromoteAdmin,
    };

    public static async Task HandleAsync(HttpContext context, KafkaWebSocketOptions options)
    {
        var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(ChannelLog.Category);
        var name = $"channels/{context.TraceIdentifier}";
        if (!await UpgradeCheck.PassesAsync(context, logger, name).ConfigureAwait(false))
        {
            return;
        }

        var broker = context.RequestServices.GetService<ChannelBroker>()
            ?? throw new InvalidOperationException("Channel mode is not registered: call AddKafkaChannels() on the connector's builder.");
        var user = context.User.Identity?.Name;
        if (string.IsNullOrEmpty(user))
        {
            await Results.Problem(statusCode: StatusCodes.Status401Unauthorized, detail: "Channel mode needs a user with a name.").ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
        using var connection = new WebSocketConnection(socket, new SendQueue(options.SendQueueCapacity, options.SlowClientTimeout), options, logger, name);
        var id = broker.Connections.Add(user, connection);
        try
        {
            await connection.RunAsync((frame, ct) => OnFrameAsync(broker, connection, user, id, frame, logger, ct), _ => Task.CompletedTask, UpgradeCheck.Stopping(context)).ConfigureAwait(false);
        }
        finally
        {
            broker.Connections.Remove(user, id);
        }
    }

    internal static async Task OnFrameAsync(
        ChannelBroker broker, WebSocketConnection connection, string user, string id, KafkaWebSocketFrame frame, ILogger logger, CancellationToken ct)
    {
        var (command, refusal) = Validate(frame);
        if (refusal is not null)
        {
            broker.Send(connection, new KafkaWebSocketFrame(ChannelEnvelope.ToJson(refusal), WebSocketMessageType.Text));
            return;
        }

        command!.Params[ChannelState.Sender] = user; // never trusted from the client
        command.Params[ChannelEnvelope.OriginNode] = broker.NodeId;
        command.Params[ChannelEnvelope.OriginConnection] = id;
        command.Timestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        command.Type ??= command.Cmd is SendMessage or SendPrivateMessage ? KafkaChannelMessageTypes.Application : KafkaChannelMessageTypes.Info;
        try
        {
            await broker.PublishAsync(command, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            ChannelLog.PublishFailed(logger, broker.Topic, e.GetType().Name);
            var error = ChannelEnvelope.Error(command.Cmd, command.Params[ChannelState.ChannelId], "The command could not be sent; try again.");
            broker.Send(connection, new KafkaWebSocketFrame(ChannelEnvelope.ToJson(error), WebSocketMessageType.Text));
        }
    }

    /// <summary>The command in a frame, or an error envelope for a frame that cannot be one.</summary>
    internal static (KafkaChannelMessage? Command, KafkaChannelMessage? Refusal) Validate(KafkaWebSocketFrame frame)
    {
        if (frame.Type != WebSocketMessageType.Text)
        {
            return (null, ChannelEnvelope.Error(null, null, "Channel messages are JSON text frames."));
        }

        if (!ChannelEnvelope.TryParse(frame.Data.Span, out var command, out var error))
        {
            return (null, ChannelEnvelope.Error(null, null, error!));
        }

        if (command!.Cmd is null || !Commands.Contains(command.Cmd))
        {
            return (null, ChannelEnvelope.Error(command.Cmd, null, $"Unknown command '{command.Cmd}'; use one of {string.Join(", ", Commands)}."));
        }

        command.Params ??= new(StringComparer.Ordinal);
        return command.Params.TryGetValue(ChannelState.ChannelId, out var channel) && !string.IsNullOrWhiteSpace(channel)
            ? (command, null)
            : (null, ChannelEnvelope.Error(command.Cmd, null, "params.channelId is required."));
    }
}
