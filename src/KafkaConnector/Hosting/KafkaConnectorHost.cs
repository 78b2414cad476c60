using KafkaConnector.Cluster;
using KafkaConnector.Diagnostics;
using KafkaConnector.Receivers;
using Microsoft.Extensions.Hosting;

namespace KafkaConnector.Hosting;

/// <summary>
/// The one hosted service of the connector: it starts and stops everything the connector runs, in
/// an order of its own, whatever order services were registered in.
/// <list type="bullet">
/// <item>Start: the dispatchers (the node's poll thread creates the topics and subscribes; each receiver
/// group gets its own), then membership; neither blocks the host.</item>
/// <item>Stopping, before any hosted service stops: membership leaves, then the dispatchers drain and
/// commit, so that no receiver runs while the services it uses stop.</item>
/// <item>Stopped, after every hosted service stopped: the shared producer flushes what they sent on
/// their way out.</item>
/// </list>
/// The three stop steps share one budget, <c>KafkaConnector:ShutdownTimeout</c> (<see cref="StopBudget"/>);
/// each runs once, however often the host asks.
/// </summary>
internal sealed class KafkaConnectorHost(
    KafkaDispatchers dispatchers, KafkaClusterHostedService membership, KafkaConnectorSystemApi api, IKafkaConnectorStatus status, TimeProvider? time = null) : IHostedLifecycleService
{
    /// <summary>Between two broker checks while start waits for them.</summary>
    private static readonly TimeSpan BrokerRetry = TimeSpan.FromMilliseconds(250);

    private readonly StopBudget _budget = new(api.Clients.Options.ShutdownTimeout, time ?? TimeProvider.System);
    private readonly Lock _lock = new();
    private Task? _stopping;
    private Task? _stopped;

    internal StopBudget Budget => _budget;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await WaitForBrokersAsync(cancellationToken).ConfigureAwait(false);
        await dispatchers.StartAsync(cancellationToken).ConfigureAwait(false);
        await membership.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return _stopping ??= LeaveAndDrainAsync(cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StoppedAsync(CancellationToken cancellationToken)
    {
        // A host that skipped StoppingAsync (or a caller that only asks for the end) still gets the whole order.
        await StoppingAsync(cancellationToken).ConfigureAwait(false);
        Task stopped;
        lock (_lock)
        {
            stopped = _stopped ??= _budget.SpendAsync(api.ShutdownAsync);
        }

        await stopped.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>With <c>StartupBrokerTimeout</c>, start fails unless the brokers answer within it.</summary>
    private async Task WaitForBrokersAsync(CancellationToken cancellationToken)
    {
        var options = api.Clients.Options;
        var bound = options.StartupBrokerTimeout;
        if (bound <= TimeSpan.Zero)
        {
            return;
        }

        var clock = time ?? TimeProvider.System;
        var started = clock.GetTimestamp();
        while (true)
        {
            var brokers = await status.GetBrokerStatusAsync(cancellationToken).ConfigureAwait(false);
            if (brokers.IsReachable)
            {
                return;
            }

            if (clock.GetElapsedTime(started) >= bound)
            {
                var servers = api.Clients.CreateConsumerConfig(groupId: null).BootstrapServers;
                throw new InvalidOperationException(
                    $"KafkaConnector could not reach the brokers {servers} within KafkaConnector:StartupBrokerTimeout ({bound}): {brokers.Error ?? "no brokers reported"}.");
            }

            await Task.Delay(BrokerRetry, clock, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task LeaveAndDrainAsync(CancellationToken cancellationToken)
    {
        await _budget.SpendAsync(async bound =>
        {
            using var leave = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            leave.CancelAfter(bound);
            await membership.StopAsync(leave.Token).ConfigureAwait(false);
        }).ConfigureAwait(false);
        await _budget.SpendAsync(bound => dispatchers.StopWithinAsync(bound, cancellationToken)).ConfigureAwait(false);
    }
}
