using KafkaConnector.Configuration;
using KafkaConnector.Receivers;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KafkaConnector.Cluster;

/// <summary>
/// Runs membership: once the node is ready it announces that it joined, then that it is alive
/// every <c>Cluster:AnnounceInterval</c>, expires silent nodes, and at stop announces that it left.
/// </summary>
internal sealed class KafkaClusterHostedService(KafkaCluster cluster, NodeIdentity identity, KafkaClientFactory clients, ILoggerFactory loggerFactory, TimeProvider? time = null) : IHostedService, IDisposable
{
    private readonly ILogger _logger = loggerFactory.CreateLogger("KafkaConnector.Cluster");
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (identity.Topics is not null)
        {
            _loop = Task.Run(() => RunAsync(_stop.Token), CancellationToken.None);
        }

        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        cluster.CancelPendingRequests();
        if (cluster.IsReady)
        {
            try
            {
                using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                bound.CancelAfter(clients.Options.ShutdownTimeout);
                await cluster.AnnounceAsync(KafkaCluster.Events.LeaveEvent, null, bound.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or Confluent.Kafka.KafkaException)
            {
                ClusterLog.AnnounceFailed(_logger, identity.Topics!.NodeId, e.Message);
            }
        }
    }

    public void Dispose() => _stop.Dispose();

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await cluster.WaitUntilReadyAsync(cancellationToken).ConfigureAwait(false);
            var kind = KafkaCluster.Events.JoinEvent;
            using var timer = new PeriodicTimer(clients.Options.Cluster.AnnounceInterval, time ?? TimeProvider.System);
            do
            {
                try
                {
                    await cluster.AnnounceAsync(kind, null, cancellationToken).ConfigureAwait(false);
                    kind = KafkaCluster.Events.AliveEvent;
                }
                catch (Confluent.Kafka.KafkaException e)
                {
                    ClusterLog.AnnounceFailed(_logger, identity.Topics!.NodeId, e.Message);
                }

                cluster.ExpireSilentMembers();
            }
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }
}
