using KafkaConnector.Configuration;
using KafkaConnector.Diagnostics;
using KafkaConnector.Messages;
using KafkaConnector.Receivers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KafkaConnector.Transactions;

/// <summary>
/// The hosted service of the transactional receivers, apart from the node's dispatcher: at start it
/// checks that the node has an id (it names every <c>transactional.id</c>), builds the singleton
/// receivers (one that cannot be built fails the start, naming it) and starts one
/// <see cref="TransactionalConsumer"/> per registration; start does not wait for the brokers. Stop
/// is bounded by <c>ShutdownTimeout</c>, the receivers stopping side by side.
/// </summary>
internal sealed class TransactionalReceiversService(
    IEnumerable<TransactionalReceiverDescriptor> descriptors,
    KafkaClientFactory clients,
    NodeIdentity identity,
    IServiceProvider services,
    TransactionMetrics metrics,
    KafkaConnectorMetrics connectorMetrics,
    ILoggerFactory loggerFactory,
    TimeProvider? time = null) : IHostedService, IKafkaTransactionalStatus, IDisposable
{
    private readonly List<TransactionalReceiverDescriptor> _descriptors = [.. descriptors];
    private readonly ILogger _logger = loggerFactory.CreateLogger(TransactionLog.Category);
    private List<TransactionalConsumer> _consumers = [];
    private Task? _stopping;

    public IReadOnlyList<KafkaTransactionalReceiverStatus> GetTransactionalReceivers() => [.. Volatile.Read(ref _consumers).Select(c => c.Status())];

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_descriptors.Count == 0 || _consumers.Count > 0)
        {
            return Task.CompletedTask;
        }

        var nodeId = clients.Options.NodeId;
        if (string.IsNullOrWhiteSpace(nodeId))
        {
            throw new InvalidOperationException(
                $"Transactional receivers are registered ({string.Join(", ", _descriptors)}) but KafkaConnector:NodeId is not set: it names each one's transactional.id (<groupId>.<NodeId>), "
                + "which must stay the same across restarts so that a restarted node fences its previous incarnation and aborts what it left open.");
        }

        var consumers = _descriptors.Select(d => new TransactionalConsumer(
            d, nodeId, Topics(d), clients, Receiver(d), metrics, connectorMetrics, _logger, time ?? TimeProvider.System)).ToList();
        Volatile.Write(ref _consumers, consumers);
        consumers.ForEach(c => c.Start());
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        lock (_descriptors)
        {
            var bound = clients.Options.ShutdownTimeout;
            return _stopping ??= Task.WhenAll(_consumers.Select(c => c.StopAsync(bound, cancellationToken)));
        }
    }

    public void Dispose() => _consumers.ForEach(c => c.Dispose());

    private List<string> Topics(TransactionalReceiverDescriptor descriptor) =>
        [.. descriptor.Filter.ResolveNames(identity.Topics).Concat(descriptor.Filter.Patterns.Select(p => p.ToString())).Distinct(StringComparer.Ordinal)];

    /// <summary>How a message reaches the receiver: the singleton built now, or a new scope per message.</summary>
    private Func<KafkaMessage, IKafkaTransactionalOutput, CancellationToken, Task> Receiver(TransactionalReceiverDescriptor descriptor)
    {
        if (descriptor.Options.Lifetime != ServiceLifetime.Singleton)
        {
            return async (message, output, cancellationToken) =>
            {
                var scope = services.CreateAsyncScope();
                await using (scope.ConfigureAwait(false))
                {
                    var receiver = (IKafkaTransactionalReceiver)scope.ServiceProvider.GetRequiredService(descriptor.Type);
                    await receiver.ReceiveAsync(message, output, cancellationToken).ConfigureAwait(false);
                }
            };
        }

        IKafkaTransactionalReceiver singleton;
        try
        {
            singleton = (IKafkaTransactionalReceiver)services.GetRequiredService(descriptor.Type);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidOperationException($"Transactional receiver {descriptor.Name} could not be created: {e.GetType().Name}: {e.Message}", e);
        }

        return singleton.ReceiveAsync;
    }
}
