using Microsoft.Extensions.Hosting;

namespace KafkaConnector.DependencyInjection;

/// <summary>
/// Ties the system API to the host's lifetime: nothing to start (clients are created on first
/// use), and on stop the shared producer is flushed and reactive streams complete within
/// <c>KafkaConnector:ShutdownTimeout</c>.
/// </summary>
internal sealed class KafkaConnectorHostedService(KafkaConnectorSystemApi api) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => api.ShutdownAsync().WaitAsync(cancellationToken);
}
