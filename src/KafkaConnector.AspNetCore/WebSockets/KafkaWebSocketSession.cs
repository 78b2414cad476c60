using System.Security.Claims;
using Confluent.Kafka;
using KafkaConnector.AspNetCore.WebSockets.Internal;
using KafkaConnector.Messages;
using KafkaConnector.Security;
using Microsoft.AspNetCore.Http;

namespace KafkaConnector.AspNetCore.WebSockets;

/// <summary>
/// One WebSocket connection of a standard-mode endpoint (<c>MapKafkaWebSocket&lt;TSession&gt;</c>):
/// a new instance per connection, created with the request's services. <see cref="InitializeAsync"/>
/// chooses the topics; every record of them is turned into a frame by <see cref="Format"/> and sent
/// as it arrives; client messages reach <see cref="OnMessageAsync"/>, which may produce them with
/// <see cref="ProduceAsync"/> (permission-checked); every error reaches <see cref="OnErrorAsync"/>,
/// then the socket is closed.
/// </summary>
public abstract class KafkaWebSocketSession
{
    private readonly List<string> _topics = [];
    private HttpContext? _context;
    private IKafkaConnectorApi? _api;
    private SendQueue? _queue;
    private CancellationToken _closing;

    /// <summary>The upgrade request.</summary>
    public HttpContext HttpContext => _context ?? throw new InvalidOperationException("The session is not attached to a request yet.");

    /// <summary>The authenticated caller: every Kafka operation of the session is checked for this user.</summary>
    public ClaimsPrincipal User => HttpContext.User;

    /// <summary>The topics the session reads, as set by <see cref="SetTopics"/>.</summary>
    public IReadOnlyList<string> Topics => _topics;

    /// <summary>Read the topics from their beginning instead of their end (default false: only records written from now on).</summary>
    public bool StartFromBeginning { get; set; }

    /// <summary>Sets the topics to read; call it from <see cref="InitializeAsync"/>.</summary>
    /// <exception cref="ArgumentException">No topic.</exception>
    protected void SetTopics(params IEnumerable<string> topics)
    {
        ArgumentNullException.ThrowIfNull(topics);
        _topics.Clear();
        _topics.AddRange(topics.Distinct(StringComparer.Ordinal));
        if (_topics.Count == 0)
        {
            throw new ArgumentException("At least one topic is required.", nameof(topics));
        }
    }

    /// <summary>
    /// Called before the socket is accepted: call <see cref="SetTopics"/>. When the user may not
    /// consume one of them the upgrade is answered with 403 and <see cref="OnErrorAsync"/> is called.
    /// </summary>
    protected internal abstract Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Turns a record into the frame sent to the client (the original's <c>send</c>); null skips it.
    /// Runs on the session's consumer thread. The default is a JSON text frame
    /// <c>{"topic","partition","offset","timestamp","key","value"}</c> with key and value in base64.
    /// </summary>
    protected internal virtual KafkaWebSocketFrame? Format(KafkaMessage message) => RecordFrame.Json(message);

    /// <summary>A whole message from the client. The default ignores it. An exception closes the socket after <see cref="OnErrorAsync"/>.</summary>
    protected internal virtual Task OnMessageAsync(KafkaWebSocketFrame frame, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Called once with the error that ends the session: a permission denial (close status 1008),
    /// a slow client (<see cref="KafkaWebSocketSlowClientException"/>, 1008), a message too big (1009),
    /// a consumer failure or an exception of the session's own code (1011). The socket is closed after it returns.
    /// </summary>
    protected internal virtual Task OnErrorAsync(Exception exception, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Called on the consumer's poll thread when partitions are assigned: records written from now on reach the socket.</summary>
    protected internal virtual void OnPartitionsAssigned(IReadOnlyList<TopicPartition> partitions)
    {
    }

    /// <summary>
    /// Produces a message as <see cref="User"/>, through the permission-checked API: the hook for client messages.
    /// </summary>
    /// <exception cref="KafkaPermissionDeniedException">The user may not produce to the topic; nothing was sent.</exception>
    protected Task<KafkaDeliveryResult> ProduceAsync(KafkaMessage message, CancellationToken cancellationToken) =>
        (_api ?? throw new InvalidOperationException("The session is not attached to a request yet.")).ProduceAsync(User, message, cancellationToken);

    /// <summary>Queues a frame for the client (bounded: waits while the queue is full, see <see cref="KafkaWebSocketOptions.SendQueueCapacity"/>).</summary>
    /// <returns>False when the socket is closing.</returns>
    protected ValueTask<bool> SendAsync(KafkaWebSocketFrame frame, CancellationToken cancellationToken = default)
    {
        var queue = _queue ?? throw new InvalidOperationException("The session is not attached to a request yet.");
        if (_closing.IsCancellationRequested)
        {
            return ValueTask.FromResult(false);
        }

        return queue.EnqueueAsync(frame, cancellationToken);
    }

    internal void Attach(HttpContext context, IKafkaConnectorApi api, SendQueue queue)
    {
        _context = context;
        _api = api;
        _queue = queue;
    }

    internal SendQueue? Queue => _queue;

    internal void Closing(CancellationToken closing) => _closing = closing;
}
