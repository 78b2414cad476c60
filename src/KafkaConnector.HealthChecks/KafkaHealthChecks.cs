using Confluent.Kafka;
using KafkaConnector.Configuration;
using KafkaConnector.Receivers;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace KafkaConnector.Diagnostics;

/// <summary>
/// Can the node reach its brokers? Asks for cluster metadata (a request every broker serves;
/// never ListConsumerGroups, which some brokers, like the embedded one, do not survive).
/// </summary>
internal sealed class KafkaBrokerHealthCheck(KafkaClientFactory clients) : IHealthCheck, IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);
    // Asking for a topic's metadata must never create it, whatever the broker allows.
    private readonly Lazy<IAdminClient> _admin = new(() => clients.CreateAdminClient([new("allow.auto.create.topics", "false")]));

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            // Metadata for one topic name: the answer lists the brokers without listing every topic.
            var metadata = await Task.Run(() => _admin.Value.GetMetadata("__kafkaconnector_health", Timeout), cancellationToken).ConfigureAwait(false);
            var data = new Dictionary<string, object> { ["brokers"] = metadata.Brokers.Count, ["answered_by"] = metadata.OriginatingBrokerName };
            return metadata.Brokers.Count > 0
                ? HealthCheckResult.Healthy($"{metadata.Brokers.Count} broker(s) reachable", data)
                : HealthCheckResult.Unhealthy("The cluster reported no brokers", data: data);
        }
        catch (KafkaException e)
        {
            return HealthCheckResult.Unhealthy($"Kafka brokers unreachable: {e.Error.Code} {e.Error.Reason}", e);
        }
    }

    public void Dispose()
    {
        if (_admin.IsValueCreated)
        {
            _admin.Value.Dispose();
        }
    }
}

/// <summary>Is the node's dispatcher polling? Unhealthy after a fatal consumer error or when the loop is stuck.</summary>
internal sealed class KafkaDispatcherHealthCheck(KafkaDispatcher dispatcher, KafkaClientFactory clients) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!dispatcher.IsRunning)
        {
            return Task.FromResult(HealthCheckResult.Healthy("Not running: the node has no identity (KafkaConnector:Layer and NodeId) and no receivers"));
        }

        if (dispatcher.FatalError is { } fatal)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy($"The node's consumer failed fatally: {fatal.Code} {fatal.Reason}"));
        }

        if (dispatcher.HasStopped)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("The dispatcher has stopped"));
        }

        // A poll can legitimately wait in a rebalance callback for the revocation timeout.
        var options = clients.Options;
        var stalledAfter = options.Dispatch.RevocationTimeout + (options.System.PollInterval * 3) + TimeSpan.FromSeconds(10);
        var since = dispatcher.SinceLastPoll;
        var data = new Dictionary<string, object> { ["in_flight"] = dispatcher.InFlight, ["since_last_poll_ms"] = (long)since.TotalMilliseconds };
        return Task.FromResult(since > stalledAfter
            ? HealthCheckResult.Unhealthy($"The dispatcher has not polled for {since.TotalSeconds:0} s", data: data)
            : HealthCheckResult.Healthy("Polling", data));
    }
}

/// <summary>Do receivers keep failing? Degraded when a receiver's last messages all went to the dead-letter topic.</summary>
internal sealed class KafkaReceiversHealthCheck(KafkaDispatcher dispatcher) : IHealthCheck
{
    /// <summary>Dead letters in a row, with no success between, that make a receiver count as failing.</summary>
    internal const int FailingAfter = 3;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var failing = dispatcher.ConsecutiveDeadLetters.Where(p => p.Value >= FailingAfter).ToDictionary(p => p.Key, p => (object)p.Value);
        return Task.FromResult(failing.Count == 0
            ? HealthCheckResult.Healthy("No receiver is failing persistently")
            : HealthCheckResult.Degraded($"Receivers failing persistently (dead letters in a row): {string.Join(", ", failing.Select(p => $"{p.Key} ({p.Value})"))}", data: failing));
    }
}
