using KafkaConnector.Configuration;
using KafkaConnector.Diagnostics;
using KafkaConnector.Engine;
using KafkaConnector.Messages;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KafkaConnector.Receivers.Pipeline;

/// <summary>
/// Calls one receiver for one message through the registration's <see cref="ReceiverPipeline"/>,
/// built on the registration's first message and kept on it, so that a message costs no lookup.
/// Never throws for a receiver's failure; throws <see cref="OperationCanceledException"/> when the
/// message must stay uncommitted: its work was abandoned, its partition is held, or its receiver stopped.
/// </summary>
internal sealed class ReceiverInvoker
{
    private readonly IServiceProvider _services;
    private readonly KafkaDispatchOptions _options;
    private readonly PartitionHolds _holds;
    private readonly ReceiverTelemetry _telemetry;
    private readonly DeadLetterWriter _deadLetters;
    private readonly KafkaErrorPolicy _default;
    private IReadOnlyList<IKafkaReceiverStage>? _stages;

    public ReceiverInvoker(
        KafkaConnectorSystemApi api, IServiceProvider services, KafkaConnectorOptions options, KafkaConnectorMetrics metrics, string nodeId, ILogger logger, PartitionHolds holds)
        : this((message, token) => api.ProduceAsync(message, token), services, options.Dispatch, metrics, nodeId, logger, holds, ScrubberOf(api))
    {
    }

    /// <param name="produce">Writes a dead letter (the shared producer's <c>ProduceAsync</c>).</param>
    /// <param name="services">The root provider: stages, scoped receivers.</param>
    /// <param name="options">Retries, backoff, dead-letter suffix.</param>
    /// <param name="metrics">The connector's meter.</param>
    /// <param name="nodeId">The node, as a metrics tag.</param>
    /// <param name="logger">The dispatcher's logger.</param>
    /// <param name="holds">Where error policies hold partitions.</param>
    /// <param name="scrubber">Masks the clients' secrets in a failure's message kept for the receiver's status.</param>
    internal ReceiverInvoker(
        Func<KafkaMessage, CancellationToken, Task> produce, IServiceProvider services, KafkaDispatchOptions options, KafkaConnectorMetrics metrics, string nodeId, ILogger logger, PartitionHolds holds,
        SecretScrubber? scrubber = null)
    {
        _services = services;
        _options = options;
        _holds = holds;
        _telemetry = new ReceiverTelemetry(metrics, nodeId, logger, scrubber);
        _deadLetters = new DeadLetterWriter(produce, _options, _telemetry);
        _default = KafkaErrorPolicy.Default(_options);
    }

    /// <summary>Resolves the user stages; called when the dispatcher starts, so that a stage that cannot be built fails the start, naming it.</summary>
    public void Start() => _stages ??= ResolveStages(_services);

    public Task InvokeAsync(ReceiverRegistration registration, KafkaMessage message, CancellationToken cancellationToken) =>
        (registration.Pipeline ?? Build(registration)).InvokeAsync(message, cancellationToken);

    public Task InvokeBatchAsync(ReceiverRegistration registration, IReadOnlyList<KafkaMessage> batch, CancellationToken cancellationToken) =>
        (registration.Pipeline ?? Build(registration)).InvokeBatchAsync(batch, cancellationToken);

    /// <summary>Receivers whose last messages all ended in the dead-letter topic, with how many in a row.</summary>
    public static IReadOnlyDictionary<string, int> ConsecutiveDeadLetters(IEnumerable<ReceiverRegistration> registrations)
    {
        var runs = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var registration in registrations)
        {
            if (registration.Pipeline is { ConsecutiveDeadLetters: > 0 and var run })
            {
                runs[registration.Name] = Math.Max(run, runs.GetValueOrDefault(registration.Name));
            }
        }

        return runs;
    }

    /// <summary>The names of the receivers their error policy stopped.</summary>
    public static IReadOnlyList<string> Stopped(IEnumerable<ReceiverRegistration> registrations) =>
        [.. registrations.Where(r => r.Pipeline is { IsStopped: true }).Select(r => r.Name).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    private static SecretScrubber ScrubberOf(KafkaConnectorSystemApi api) =>
        SecretScrubber.For(api.Clients.CreateConsumerConfig(null).Concat(api.Clients.CreateProducerConfig(null)));

    private static List<IKafkaReceiverStage> ResolveStages(IServiceProvider services)
    {
        var stages = new List<IKafkaReceiverStage>();
        foreach (var descriptor in services.GetServices<ReceiverStageDescriptor>())
        {
            try
            {
                stages.Add((IKafkaReceiverStage)services.GetRequiredService(descriptor.Type));
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                throw new InvalidOperationException($"Receiver stage {descriptor.Type.Name} could not be created: {e.GetType().Name}: {e.Message}", e);
            }
        }

        return stages;
    }

    private ReceiverPipeline Build(ReceiverRegistration registration)
    {
        var stages = _stages ??= ResolveStages(_services);
        // The cluster's own request handling keeps no retries, no dead letters and no user stages.
        var policy = registration.IsInternal ? null : (registration.ErrorPolicy ?? _default).WithBackoffsFrom(_options);
        var chain = registration.IsInternal || registration.IsBatch || stages.Count == 0 ? null : StageChain.Build(stages, ReceiverCall.For(registration));
        return registration.SetPipeline(new ReceiverPipeline(registration, policy, chain, _services, _telemetry, _deadLetters, _holds));
    }
}

/// <summary>A user stage registered with <c>AddReceiverStage</c>, in registration order.</summary>
internal sealed record ReceiverStageDescriptor(Type Type);
