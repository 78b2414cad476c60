using System.Diagnostics.Metrics;
using KafkaConnector.AspNetCore.Admin;

namespace KafkaConnector.AspNetCore.Internal;

/// <summary>Reads this host's <c>KafkaConnector</c> meter (the public instruments of docs/observability.md).</summary>
internal static class ConnectorMeter
{
    public const string Lag = "messaging.kafka.consumer.lag";
    public const string InFlight = "kafkaconnector.dispatch.in_flight";
    public const string PausedPartitions = "kafkaconnector.dispatch.paused_partitions";

    /// <summary>Several hosts in one process each have a meter of that name: the host's own has its meter factory as scope.</summary>
    public static bool IsOurs(Instrument instrument, IMeterFactory factory) =>
        instrument.Meter.Name == KafkaConnectorInfo.Name && ReferenceEquals(instrument.Meter.Scope, factory);

    /// <summary>The consumer lag gauge, read once: one entry per partition of the node's consumer.</summary>
    public static IReadOnlyList<KafkaPartitionLag> ReadLag(IMeterFactory factory)
    {
        var lag = new List<KafkaPartitionLag>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Name == Lag && IsOurs(instrument, factory))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) => lag.Add(ToLag(value, tags)));
        listener.Start();
        listener.RecordObservableInstruments();
        return [.. lag.OrderBy(l => l.Topic, StringComparer.Ordinal).ThenBy(l => l.Partition)];
    }

    public static string? Tag(ReadOnlySpan<KeyValuePair<string, object?>> tags, string name)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == name)
            {
                return tag.Value?.ToString();
            }
        }

        return null;
    }

    private static KafkaPartitionLag ToLag(long value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        _ = int.TryParse(Tag(tags, "messaging.destination.partition.id"), out var partition);
        return new KafkaPartitionLag(Tag(tags, "messaging.destination.name") ?? "?", partition, value);
    }
}
