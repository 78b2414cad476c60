using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using KafkaConnector.Security;
using Microsoft.Extensions.Logging;

namespace KafkaConnector.AspNetCore.WebSockets.Internal;

/// <summary>
/// One accepted socket: a loop that writes the send queue to it, a loop that reads whole client
/// messages, and one way to end it (<see cref="Fail"/> or <see cref="CloseAsync"/>) from any thread.
/// </summary>
internal sealed class WebSocketConnection : IDisposable
{
    private const int ReceiveChunk = 4096;
    private readonly WebSocket _socket;
    private readonly KafkaWebSocketOptions _options;
    private readonly ILogger _logger;
    private readonly string _name;
    private readonly CancellationTokenSource _closing = new();
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Func<Exception, Task>? _onError;
    private int _closeStarted;

    public WebSocketConnection(WebSocket socket, SendQueue queue, KafkaWebSocketOptions options, ILogger logger, string name)
    {
        _socket = socket;
        Queue = queue;
        _options = options;
        _logger = logger;
        _name = name;
    }

    public SendQueue Queue { get; }

    /// <summary>Fires when the connection starts closing: stops producers of frames and session work.</summary>
    public CancellationToken Closing => _closing.Token;

    /// <summary>The status the server closed with, or null when the client closed first.</summary>
    public WebSocketCloseStatus? ServerCloseStatus { get; private set; }

    /// <summary>
    /// Runs until the socket is closed by either side, or <paramref name="serverStopping"/> fires (then it
    /// closes with 1001); never throws for socket or session errors.
    /// </summary>
    public async Task RunAsync(Func<KafkaWebSocketFrame, CancellationToken, Task> onMessage, Func<Exception, Task> onError, CancellationToken serverStopping)
    {
        _onError = onError;
        using var stopping = serverStopping.Register(() => _ = CloseAsync(WebSocketCloseStatus.EndpointUnavailable, "server shutting down"));
        var sending = Task.Run(SendLoopAsync, CancellationToken.None);
        await ReceiveLoopAsync(onMessage).ConfigureAwait(false);
        await CloseAsync(WebSocketCloseStatus.NormalClosure, "bye").ConfigureAwait(false);
        await _closed.Task.ConfigureAwait(false);
        await sending.ConfigureAwait(false);
    }

    /// <summary>Reports <paramref name="error"/> to the session's error callback, then closes with the matching status.</summary>
    public void Fail(Exception error) => _ = FailAsync(error);

    /// <summary>Closes once: stops sending, sends a close frame (aborting after <c>CloseTimeout</c>), ends both loops.</summary>
    public async Task CloseAsync(WebSocketCloseStatus status, string reason)
    {
        if (Interlocked.Exchange(ref _closeStarted, 1) == 1)
        {
            await _closed.Task.ConfigureAwait(false);
            return;
        }

        try
        {
            await _closing.CancelAsync().ConfigureAwait(false);
            Queue.Complete();
            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                ServerCloseStatus = status;
                using var bound = new CancellationTokenSource(_options.CloseTimeout);
                try
                {
                    await _socket.CloseOutputAsync(status, Truncate(reason), bound.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is OperationCanceledException or WebSocketException or ObjectDisposedException or InvalidOperationException)
                {
                    _socket.Abort(); // the client does not read: the close frame cannot get through
                }
            }

            WebSocketLog.Closed(_logger, _name, (int)status);
        }
        finally
        {
            _closed.TrySetResult();
            _ = AbortUnlessClosedAsync(); // a client that never answers the close must not hold the receive loop
        }
    }

    public void Dispose() => _closing.Dispose();

    private async Task AbortUnlessClosedAsync()
    {
        await Task.Delay(_options.CloseTimeout).ConfigureAwait(false);
        try
        {
            if (_socket.State != WebSocketState.Closed)
            {
                _socket.Abort();
            }
        }
        catch (ObjectDisposedException)
        {
        }
    }

    internal static (WebSocketCloseStatus Status, string Reason) CloseFor(Exception error) => error switch
    {
        KafkaPermissionDeniedException denied => (WebSocketCloseStatus.PolicyViolation, denied.Message),
        KafkaWebSocketSlowClientException => (WebSocketCloseStatus.PolicyViolation, "client too slow"),
        ReceiveTooLargeException => (WebSocketCloseStatus.MessageTooBig, "message too big"),
        _ => (WebSocketCloseStatus.InternalServerError, "internal error"),
    };

    private async Task FailAsync(Exception error)
    {
        if (Volatile.Read(ref _closeStarted) == 1)
        {
            return;
        }

        WebSocketLog.SessionFailed(_logger, _name, error.GetType().Name, error);
        try
        {
            if (_onError is { } onError)
            {
                await onError(error).ConfigureAwait(false);
            }
        }
        catch (Exception e)
        {
            WebSocketLog.ErrorCallbackFailed(_logger, _name, e);
        }

        var (status, reason) = CloseFor(error);
        await CloseAsync(status, reason).ConfigureAwait(false);
    }

    private async Task SendLoopAsync()
    {
        try
        {
            while (await Queue.Reader.WaitToReadAsync(_closing.Token).ConfigureAwait(false))
            {
                while (!_closing.IsCancellationRequested && Queue.Reader.TryRead(out var frame))
                {
                    await _socket.SendAsync(frame.Data, frame.Type, endOfMessage: true, CancellationToken.None).ConfigureAwait(false);
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or ObjectDisposedException or IOException)
        {
            // Closing, or the connection is gone: the receive loop sees it too.
        }
    }

    private async Task ReceiveLoopAsync(Func<KafkaWebSocketFrame, CancellationToken, Task> onMessage)
    {
        var chunk = ArrayPool<byte>.Shared.Rent(ReceiveChunk);
        var message = new ArrayBufferWriter<byte>(ReceiveChunk);
        try
        {
            while (true)
            {
                // No token: cancelling a receive aborts the socket; closing ends this loop with the client's close frame.
                var result = await _socket.ReceiveAsync(chunk.AsMemory(), CancellationToken.None).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                if (message.WrittenCount + result.Count > _options.MaxReceiveMessageSize)
                {
                    await FailAsync(new ReceiveTooLargeException(_options.MaxReceiveMessageSize)).ConfigureAwait(false);
                    continue; // drain until the client answers the close
                }

                message.Write(chunk.AsSpan(0, result.Count));
                if (!result.EndOfMessage)
                {
                    continue;
                }

                var frame = new KafkaWebSocketFrame(message.WrittenSpan.ToArray(), result.MessageType);
                message.ResetWrittenCount();
                if (_closing.IsCancellationRequested)
                {
                    continue;
                }

                try
                {
                    await onMessage(frame, _closing.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (_closing.IsCancellationRequested)
                {
                }
                catch (Exception e)
                {
                    await FailAsync(e).ConfigureAwait(false);
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            WebSocketLog.ConnectionLost(_logger, _name, e.GetType().Name);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    private static string Truncate(string reason)
    {
        // A close reason is at most 123 bytes of UTF-8.
        if (Encoding.UTF8.GetByteCount(reason) <= 123)
        {
            return reason;
        }

        var end = Math.Min(reason.Length, 120);
        while (Encoding.UTF8.GetByteCount(reason.AsSpan(0, end)) > 120)
        {
            end--;
        }

        return string.Concat(reason.AsSpan(0, end), "...");
    }

    private sealed class ReceiveTooLargeException(int limit) : Exception($"A client message exceeded {limit} bytes.");
}
