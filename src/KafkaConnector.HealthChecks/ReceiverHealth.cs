using KafkaConnector.Diagnostics;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace KafkaConnector.HealthChecks;

/// <summary>What the receivers' states (<see cref="IKafkaConnectorStatus.GetReceiverStatus"/>) mean for the checks.</summary>
internal static class ReceiverHealth
{
    /// <summary>Unhealthy when a receiver's consumer failed: nothing reaches it until the node's consumption is restarted.</summary>
    public static HealthCheckResult? Failed(IReadOnlyList<KafkaReceiverStatus> receivers) =>
        In(receivers, KafkaReceiverState.Failed) is { Count: > 0 } failed
            ? HealthCheckResult.Unhealthy($"The consumer of receivers {Describe(failed)} failed: nothing reaches them until the node's consumption is restarted", data: Data(failed))
            : null;

    /// <summary>Unhealthy while a receiver's consumer has not joined its group: the node cannot do that receiver's work yet.</summary>
    public static HealthCheckResult? Starting(IReadOnlyList<KafkaReceiverStatus> receivers) =>
        In(receivers, KafkaReceiverState.Starting) is { Count: > 0 } starting
            ? HealthCheckResult.Unhealthy($"Receivers whose consumer has not joined its group yet: {Describe(starting)}", data: Data(starting))
            : null;

    /// <summary>
    /// The receivers their error policy stopped, by id; a status that does not report receivers
    /// (<see cref="IKafkaConnectorStatus.GetReceiverStatus"/> empty) is read from the dispatcher's names.
    /// </summary>
    public static IReadOnlyList<string> Stopped(KafkaDispatcherStatus dispatcher, IReadOnlyList<KafkaReceiverStatus> receivers) =>
        receivers.Count == 0 ? dispatcher.StoppedReceivers : [.. In(receivers, KafkaReceiverState.Stopped).Select(r => r.Id)];

    private static List<KafkaReceiverStatus> In(IReadOnlyList<KafkaReceiverStatus> receivers, KafkaReceiverState state) =>
        [.. receivers.Where(r => r.State == state).OrderBy(r => r.Id, StringComparer.Ordinal)];

    private static string Describe(List<KafkaReceiverStatus> receivers) => string.Join(", ", receivers.Select(r => $"{r.Id} (group {r.GroupId})"));

    private static Dictionary<string, object> Data(List<KafkaReceiverStatus> receivers) => new() { ["receivers"] = receivers.Select(r => r.Id).ToArray() };
}
