using KafkaConnector.Diagnostics;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace KafkaConnector.HealthChecks;

/// <summary>Can the node reach its brokers?</summary>
internal sealed class KafkaBrokerHealthCheck(IKafkaConnectorStatus status) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var brokers = await status.GetBrokerStatusAsync(cancellationToken).ConfigureAwait(false);
        if (brokers.Error is { } error)
        {
            return HealthCheckResult.Unhealthy($"Kafka brokers unreachable: {error}");
        }

        var data = new Dictionary<string, object> { ["brokers"] = brokers.BrokerCount, ["answered_by"] = brokers.AnsweredBy ?? "" };
        return brokers.IsReachable
            ? HealthCheckResult.Healthy($"{brokers.BrokerCount} broker(s) reachable", data)
            : HealthCheckResult.Unhealthy("The cluster reported no brokers", data: data);
    }
}

/// <summary>
/// Is the node's dispatcher alive (liveness)? Unhealthy after a fatal consumer error (the node's, or
/// a receiver's consumer that failed) or when the loop is stuck; healthy while it starts, for a
/// restart would not help then.
/// </summary>
internal sealed class KafkaDispatcherHealthCheck(IKafkaConnectorStatus status) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(Check(status.GetDispatcherStatus(), status.GetReceiverStatus()));

    private static HealthCheckResult Check(KafkaDispatcherStatus dispatcher, IReadOnlyList<KafkaReceiverStatus> receivers)
    {
        if (!dispatcher.IsRunning)
        {
            return HealthCheckResult.Healthy("Not running: the node has no identity (KafkaConnector:Layer and NodeId) and no receivers");
        }

        if (dispatcher.FatalError is { } fatal)
        {
            return HealthCheckResult.Unhealthy($"The node's consumer failed fatally: {fatal}");
        }

        if (dispatcher.HasStopped)
        {
            return HealthCheckResult.Unhealthy("The dispatcher has stopped");
        }

        if (ReceiverHealth.Failed(receivers) is { } failed)
        {
            return failed;
        }

        var data = new Dictionary<string, object> { ["in_flight"] = dispatcher.InFlight, ["since_last_poll_ms"] = (long)dispatcher.SinceLastPoll.TotalMilliseconds };
        if (dispatcher.IsStalled)
        {
            return HealthCheckResult.Unhealthy($"The dispatcher has not polled for {dispatcher.SinceLastPoll.TotalSeconds:0} s", data: data);
        }

        return dispatcher.IsReady
            ? HealthCheckResult.Healthy("Polling", data)
            : HealthCheckResult.Healthy("Starting: the node's topics are not assigned yet", data);
    }
}

/// <summary>
/// Can the node do its work (readiness)? Unhealthy until its broadcast and node topics are first
/// assigned and every receiver's consumer has joined its group, and for good after a fatal consumer error.
/// </summary>
internal sealed class KafkaReadinessHealthCheck(IKafkaConnectorStatus status) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var dispatcher = status.GetDispatcherStatus();
        var receivers = status.GetReceiverStatus();
        return Task.FromResult(dispatcher switch
        {
            { IsRunning: false } => HealthCheckResult.Healthy("No node to wait for: the service has no identity and no receivers"),
            { FatalError: { } fatal } => HealthCheckResult.Unhealthy($"The node's consumer failed fatally: {fatal}"),
            { HasStopped: true } => HealthCheckResult.Unhealthy("The dispatcher has stopped"),
            { IsReady: false } => HealthCheckResult.Unhealthy("The node's topics are not assigned yet: nothing sent to it arrives"),
            _ => ReceiverHealth.Failed(receivers) ?? ReceiverHealth.Starting(receivers) ?? HealthCheckResult.Healthy("The node's topics are assigned"),
        });
    }
}

/// <summary>
/// Do receivers keep failing? Unhealthy when an error policy stopped a receiver; degraded when a
/// receiver's last messages all went to the dead-letter topic.
/// </summary>
internal sealed class KafkaReceiversHealthCheck(IKafkaConnectorStatus status) : IHealthCheck
{
    /// <summary>Dead letters in a row, with no success between, that make a receiver count as failing.</summary>
    internal const int FailingAfter = 3;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var dispatcher = status.GetDispatcherStatus();
        var stopped = ReceiverHealth.Stopped(dispatcher, status.GetReceiverStatus());
        if (stopped.Count > 0)
        {
            var data = new Dictionary<string, object> { ["stopped"] = stopped, ["held_partitions"] = dispatcher.HeldPartitions };
            return Task.FromResult(HealthCheckResult.Unhealthy(
                $"Receivers stopped by their error policy: {string.Join(", ", stopped)}; the messages they failed on stay uncommitted until they are restarted",
                data: data));
        }

        var failing = dispatcher.ConsecutiveDeadLetters.Where(p => p.Value >= FailingAfter).ToDictionary(p => p.Key, p => (object)p.Value);
        return Task.FromResult(failing.Count == 0
            ? HealthCheckResult.Healthy("No receiver is failing persistently")
            : HealthCheckResult.Degraded($"Receivers failing persistently (dead letters in a row): {string.Join(", ", failing.Select(p => $"{p.Key} ({p.Value})"))}", data: failing));
    }
}
