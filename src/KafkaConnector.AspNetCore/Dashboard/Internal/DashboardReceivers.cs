using KafkaConnector.Diagnostics;

namespace KafkaConnector.AspNetCore.Dashboard.Internal;

/// <summary>The receivers table: <see cref="IKafkaConnectorStatus.GetReceiverStatus"/> as the page shows it.</summary>
internal static class DashboardReceivers
{
    public const int MaxErrorLength = 200;

    public static DashboardReceiverStatus[] From(IReadOnlyList<KafkaReceiverStatus> receivers) => [.. receivers.Select(From)];

    /// <summary>Cuts <paramref name="text"/> to <paramref name="length"/> characters, marking the cut.</summary>
    public static string? Shorten(string? text, int length) => text is not null && text.Length > length ? text[..length] + "…" : text;

    private static DashboardReceiverStatus From(KafkaReceiverStatus r) => new(
        r.Id,
        r.State.ToString(),
        r.GroupId,
        r.SharesWork,
        string.Join("; ", r.Partitions.GroupBy(p => p.Topic, StringComparer.Ordinal).Select(t => $"{t.Key} {string.Join(",", t.Select(p => p.Partition))}")),
        r.InFlight,
        r.Lag,
        r.LastError is { } e ? $"{e.ExceptionType}: {Shorten(e.Message, MaxErrorLength)}" : null,
        r.LastError?.At);
}
