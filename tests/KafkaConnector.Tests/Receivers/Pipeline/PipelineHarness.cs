using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using KafkaConnector.Configuration;
using KafkaConnector.Diagnostics;
using KafkaConnector.Engine;
using KafkaConnector.Messages;
using KafkaConnector.Receivers;
using KafkaConnector.Receivers.Pipeline;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace KafkaConnector.Tests.Receivers.Pipeline;

/// <summary>A receiver invoker as the dispatcher builds it, without a broker: dead letters are kept, holds inspected.</summary>
internal sealed class PipelineHarness : IAsyncDisposable
{
    private readonly ServiceProvider _provider;
    private readonly CancellationTokenSource _assignment = new();

    public PipelineHarness(Action<IKafkaConnectorBuilder>? build = null, Action<KafkaDispatchOptions>? options = null)
    {
        var services = new ServiceCollection();
        var connector = services.AddKafkaConnector(o => o.All["bootstrap.servers"] = "127.0.0.1:9");
        build?.Invoke(connector);
        _provider = services.BuildServiceProvider();
        var dispatch = new KafkaDispatchOptions { RetryBackoff = TimeSpan.FromMilliseconds(1), MaxRetryBackoff = TimeSpan.FromMilliseconds(5) };
        options?.Invoke(dispatch);
        Holds = new PartitionHolds(p => p.Topic == "system");
        Invoker = new ReceiverInvoker(ProduceAsync, _provider, dispatch, new KafkaConnectorMetrics(_provider.GetRequiredService<IMeterFactory>()), "n", NullLogger.Instance, Holds);
    }

    public ReceiverInvoker Invoker { get; }

    public PartitionHolds Holds { get; }

    public IServiceProvider Services => _provider;

    public ConcurrentQueue<KafkaMessage> DeadLetters { get; } = new();

    /// <summary>The token of the partitions' current assignment, as the dispatcher passes it.</summary>
    public CancellationToken Assignment => _assignment.Token;

    public static KafkaMessage Message(string value, int partition = 0, long offset = 0, string topic = "orders") =>
        new(topic, "k"u8.ToArray(), System.Text.Encoding.UTF8.GetBytes(value)) { Partition = partition, Offset = offset };

    public static ReceiverRegistration Singleton(IKafkaMessageReceiver receiver, KafkaErrorPolicy? policy = null) =>
        ReceiverRegistration.ForInstance(receiver, KafkaTopicFilter.Parse("orders"), null, policy);

    public Task InvokeAsync(ReceiverRegistration registration, KafkaMessage message) => Invoker.InvokeAsync(registration, message, Assignment);

    public Task RevokeAsync() => _assignment.CancelAsync();

    public async ValueTask DisposeAsync()
    {
        _assignment.Dispose();
        await _provider.DisposeAsync();
    }

    private Task ProduceAsync(KafkaMessage message, CancellationToken cancellationToken)
    {
        DeadLetters.Enqueue(message);
        return Task.CompletedTask;
    }
}

/// <summary>Calls back for every message; records what it saw.</summary>
internal sealed class DelegateReceiver(Func<KafkaMessage, CancellationToken, Task> receive) : IKafkaMessageReceiver
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public Task ReceiveAsync(KafkaMessage message, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        return receive(message, cancellationToken);
    }
}
