using KafkaConnector.Messages;
using Microsoft.Extensions.DependencyInjection;

namespace KafkaConnector.Receivers.Pipeline;

/// <summary>
/// One message on its way to one receiver, as <see cref="IKafkaReceiverStage"/>s see it. It lives
/// for the message, across its attempts; use it only until the stage's task completes.
/// </summary>
public sealed class KafkaReceiveContext
{
    private readonly IServiceProvider _root;
    private AsyncServiceScope? _scope;
    private Dictionary<string, object?>? _items;

    /// <summary>Creates a context; the connector makes one per message, tests of a stage make their own.</summary>
    /// <param name="message">The message.</param>
    /// <param name="receiverName">The receiver's name, as in logs, metrics and dead-letter headers.</param>
    /// <param name="services">The provider the attempt's scope is created from.</param>
    /// <param name="cancellationToken">Fires when the work must be abandoned.</param>
    public KafkaReceiveContext(KafkaMessage message, string receiverName, IServiceProvider services, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(receiverName);
        ArgumentNullException.ThrowIfNull(services);
        Message = message;
        ReceiverName = receiverName;
        _root = services;
        CancellationToken = cancellationToken;
    }

    /// <summary>The message, with topic, partition, offset and headers.</summary>
    public KafkaMessage Message { get; }

    /// <summary>The receiver the message goes to (its type name).</summary>
    public string ReceiverName { get; }

    /// <summary>Which call this is: 1 for the first, 2 for the first retry, and so on (holds included).</summary>
    public int Attempt { get; internal set; } = 1;

    /// <summary>Fires when the work must be abandoned: the node stops, or the partition moved and its grace ran out.</summary>
    public CancellationToken CancellationToken { get; internal set; }

    /// <summary>
    /// The attempt's DI scope: created when first asked for (always for scoped and transient
    /// receivers, which are resolved from it) and disposed when the attempt ends.
    /// </summary>
    public IServiceProvider Services => (_scope ??= _root.CreateAsyncScope()).ServiceProvider;

    /// <summary>Values stages share about this message, across its attempts.</summary>
    public IDictionary<string, object?> Items => _items ??= new Dictionary<string, object?>(StringComparer.Ordinal);

    /// <summary>Disposes the attempt's scope, if one was created.</summary>
    internal ValueTask EndAttemptAsync()
    {
        if (_scope is not { } scope)
        {
            return ValueTask.CompletedTask;
        }

        _scope = null;
        return scope.DisposeAsync();
    }
}
