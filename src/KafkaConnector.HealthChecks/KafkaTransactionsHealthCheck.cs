using KafkaConnector.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace KafkaConnector.HealthChecks;

/// <summary>
/// Are the node's transactional receivers alive (liveness)? Unhealthy when one failed fatally (its
/// producer was fenced by a newer one with the same <c>transactional.id</c>, among others), was
/// stopped by its error policy, or ended otherwise: each commits nothing until the node restarts.
/// Healthy when the service has none.
/// </summary>
internal sealed class KafkaTransactionsHealthCheck(IServiceProvider services) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (services.GetService<IKafkaTransactionalStatus>() is not { } status)
        {
            return Task.FromResult(HealthCheckResult.Healthy("No transactional receivers"));
        }

        var receivers = status.GetTransactionalReceivers();
        var failed = receivers
            .Select(r => (r.Receiver, Problem: r switch
            {
                { FatalError: { } fatal } => $"failed fatally: {fatal}",
                { IsStopped: true } => "stopped by its error policy",
                { HasEnded: true } => "has stopped",
                _ => null,
            }))
            .Where(r => r.Problem is not null)
            .ToList();
        var data = receivers.ToDictionary(r => r.Receiver, r => (object)$"committed {r.CommittedTransactions}, aborted {r.AbortedTransactions}");
        return Task.FromResult(failed.Count == 0
            ? HealthCheckResult.Healthy($"{receivers.Count} transactional receiver(s) running", data)
            : HealthCheckResult.Unhealthy($"Transactional receivers that commit nothing until the node restarts: {string.Join("; ", failed.Select(f => $"{f.Receiver} {f.Problem}"))}", data: data));
    }
}
