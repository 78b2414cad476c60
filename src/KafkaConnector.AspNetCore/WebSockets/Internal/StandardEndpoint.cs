using KafkaConnector.Consumers;
using KafkaConnector.Messages;
using KafkaConnector.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KafkaConnector.AspNetCore.WebSockets.Internal;

/// <summary>Runs one standard-mode connection: authenticate, initialize the session, check, accept, consume, close.</summary>
internal static class StandardEndpoint
{
    public static async Task HandleAsync<TSession>(HttpContext context, KafkaWebSocketOptions options)
        where TSession : KafkaWebSocketSession
    {
        var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(WebSocketLog.Category);
        var name = $"{typeof(TSession).Name}/{context.TraceIdentifier}";
        if (!await UpgradeCheck.PassesAsync(context, logger, name).ConfigureAwait(false))
        {
            return;
        }

        var api = UpgradeCheck.Api(context);
        var session = ActivatorUtilities.CreateInstance<TSession>(context.RequestServices);
        var queue = new SendQueue(options.SendQueueCapacity, options.SlowClientTimeout);
        session.Attach(context, api, queue);
        var stream = await OpenStreamAsync(context, session, api, options, logger, name).ConfigureAwait(false);
        if (stream is null)
        {
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
        using var connection = new WebSocketConnection(socket, queue, options, logger, name);
        session.Closing(connection.Closing);
        WebSocketLog.Started(logger, name, context.User.Identity?.Name ?? "?", string.Join(',', session.Topics));
        var subscription = stream.Subscribe(new SessionObserver(session, connection));
        try
        {
            await connection.RunAsync(session.OnMessageAsync, e => session.OnErrorAsync(e, CancellationToken.None), UpgradeCheck.Stopping(context)).ConfigureAwait(false);
        }
        finally
        {
            // Disposing waits for the consumer to close; keep it off the request's thread.
            await Task.Run(subscription.Dispose).ConfigureAwait(false);
        }
    }

    private static async Task<IObservable<KafkaMessage>?> OpenStreamAsync(
        HttpContext context, KafkaWebSocketSession session, IKafkaConnectorApi api, KafkaWebSocketOptions options, ILogger logger, string name)
    {
        try
        {
            await session.InitializeAsync(context.RequestAborted).ConfigureAwait(false);
            if (session.Topics.Count == 0)
            {
                throw new InvalidOperationException($"{session.GetType().Name}.InitializeAsync set no topics: call SetTopics.");
            }

            var consume = new KafkaReactiveConsumeOptions
            {
                CommitOffsets = false,
                BufferSize = options.ConsumerBufferSize,
                OnPartitionsAssigned = session.OnPartitionsAssigned,
                ConsumerProperties = { ["auto.offset.reset"] = session.StartFromBeginning ? "earliest" : "latest" },
            };

            // A group of its own: sessions never share partitions or offsets.
            var group = $"kc-ws-{Guid.NewGuid():N}";
            return await api.ConsumeReactiveAsync(context.User, group, KafkaSubscription.ToTopics(session.Topics), consume, context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
        {
            var denied = e is KafkaPermissionDeniedException;
            WebSocketLog.Refused(logger, name, denied ? e.Message : e.GetType().Name);
            await SafeOnErrorAsync(session, e, logger, name).ConfigureAwait(false);
            await Results.Problem(
                statusCode: denied ? StatusCodes.Status403Forbidden : StatusCodes.Status500InternalServerError,
                detail: denied ? e.Message : "The session could not start.").ExecuteAsync(context).ConfigureAwait(false);
            return null;
        }
    }

    private static async Task SafeOnErrorAsync(KafkaWebSocketSession session, Exception error, ILogger logger, string name)
    {
        try
        {
            await session.OnErrorAsync(error, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            WebSocketLog.ErrorCallbackFailed(logger, name, e);
        }
    }

    /// <summary>Feeds the session's records into its send queue; a full queue blocks the consumer's delivery thread (back-pressure).</summary>
    private sealed class SessionObserver(KafkaWebSocketSession session, WebSocketConnection connection) : IObserver<KafkaMessage>
    {
        public void OnNext(KafkaMessage value)
        {
            if (connection.Closing.IsCancellationRequested)
            {
                return;
            }

            try
            {
                if (session.Format(value) is { } frame)
                {
                    connection.Queue.EnqueueAsync(frame, connection.Closing).AsTask().GetAwaiter().GetResult();
                }
            }
            catch (OperationCanceledException) when (connection.Closing.IsCancellationRequested)
            {
            }
            catch (Exception e)
            {
                connection.Fail(e);
            }
        }

        public void OnError(Exception error) => connection.Fail(error);

        public void OnCompleted() => _ = connection.CloseAsync(System.Net.WebSockets.WebSocketCloseStatus.EndpointUnavailable, "server shutting down");
    }
}
