using Microsoft.Extensions.Logging;

namespace KafkaConnector.Receivers;

/// <summary>
/// <see cref="IKafkaReceiverControl"/> over the node's dispatchers: a change is set in
/// <see cref="ConsumptionControl"/>, then awaited until every running dispatcher's poll thread applied it.
/// </summary>
internal sealed class ReceiverControl(ReceiverRegistry registry, KafkaDispatchers dispatchers, ConsumptionControl control, ILoggerFactory loggerFactory) : IKafkaReceiverControl
{
    private static readonly TimeSpan Recheck = TimeSpan.FromMilliseconds(10);

    private readonly ILogger _logger = loggerFactory.CreateLogger("KafkaConnector.Dispatcher");

    public async Task PauseAsync(string receiverId, CancellationToken cancellationToken = default)
    {
        var receiver = Find(receiverId);
        DispatchLog.Controlled(_logger, "Pausing", $"receiver {receiver.Id}");
        await AppliedAsync(control.Set(receiver, paused: true), cancellationToken).ConfigureAwait(false);
        await UntilAsync(() => receiver.InFlight == 0, cancellationToken).ConfigureAwait(false);
    }

    public Task ResumeAsync(string receiverId, CancellationToken cancellationToken = default)
    {
        var receiver = Find(receiverId);
        DispatchLog.Controlled(_logger, "Resuming", $"receiver {receiver.Id}");
        return AppliedAsync(control.Set(receiver, paused: false), cancellationToken);
    }

    public async Task RestartAsync(string receiverId, CancellationToken cancellationToken = default)
    {
        var receiver = Find(receiverId);
        DispatchLog.Controlled(_logger, "Restarting", $"receiver {receiver.Id}");
        var topics = dispatchers.Node.Scope?.Topics;
        receiver.Pipeline?.Restart(p => receiver.Filter.Matches(p.Topic, topics));
        receiver.LastError = null;
        await AppliedAsync(control.Set(receiver, paused: false), cancellationToken).ConfigureAwait(false);
    }

    public async Task PauseAllAsync(CancellationToken cancellationToken = default)
    {
        DispatchLog.Controlled(_logger, "Pausing", "all receivers");
        await AppliedAsync(control.Set(null, paused: true), cancellationToken).ConfigureAwait(false);
        await UntilAsync(() => registry.Current.All(r => r.IsInternal || r.InFlight == 0), cancellationToken).ConfigureAwait(false);
    }

    public Task ResumeAllAsync(CancellationToken cancellationToken = default)
    {
        DispatchLog.Controlled(_logger, "Resuming", "all receivers");
        return AppliedAsync(control.Set(null, paused: false), cancellationToken);
    }

    public Task RestartAllAsync(CancellationToken cancellationToken = default)
    {
        DispatchLog.Controlled(_logger, "Restarting", "the node's consumption");
        return dispatchers.RestartAsync(cancellationToken);
    }

    private ReceiverRegistration Find(string receiverId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(receiverId);
        var receivers = registry.Current.Where(r => !r.IsInternal).ToList();
        return receivers.FirstOrDefault(r => string.Equals(r.Id, receiverId, StringComparison.Ordinal))
            ?? throw new KafkaReceiverNotFoundException(receiverId, [.. receivers.Select(r => r.Id)]);
    }

    /// <summary>Until every running dispatcher's poll thread applied <paramref name="version"/> (a stopped one applies nothing, and needs nothing).</summary>
    private Task AppliedAsync(int version, CancellationToken cancellationToken) =>
        UntilAsync(() => dispatchers.All.All(d => !d.IsRunning || d.HasStopped || d.AppliedControlVersion >= version), cancellationToken);

    private static async Task UntilAsync(Func<bool> condition, CancellationToken cancellationToken)
    {
        while (!condition())
        {
            await Task.Delay(Recheck, cancellationToken).ConfigureAwait(false);
        }
    }
}
