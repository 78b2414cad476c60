using System.Globalization;
using Confluent.Kafka;

namespace KafkaConnector.Configuration;

/// <summary>
/// Confluent.Kafka's own <c>dotnet.*</c> properties (<see cref="ConfigPropertyNames"/> in 2.15.1),
/// which librdkafka does not know. Confluent.Kafka only checks them when a client is built, and its
/// producers, consumers and admin clients refuse each other's, so the connector checks them at
/// start-up: section, value, and what the connector itself relies on.
/// </summary>
internal static class ConfluentConfigProperties
{
    private const string Prefix = "dotnet.";

    private static readonly Dictionary<string, (string? Section, Func<string, string?> Check)> Known = new(StringComparer.Ordinal)
    {
        [ConfigPropertyNames.CancellationDelayMaxMs] = (null, CancellationDelay),
        [ConfigPropertyNames.Producer.EnableBackgroundPoll] = ("Producer", v => True(v, "the connector never polls producers itself, so no delivery result would arrive")),
        [ConfigPropertyNames.Producer.EnableDeliveryReports] = ("Producer", v => True(v, "the connector reports the delivery result of every message it produces")),
        [ConfigPropertyNames.Producer.DeliveryReportFields] = ("Producer", v => Fields(v, ["key", "value", "timestamp", "headers", "status"], ["status"])),
        [ConfigPropertyNames.Consumer.ConsumeResultFields] = ("Consumer", v => Fields(v, ["headers", "timestamp", "topic"], ["headers", "timestamp", "topic"])),
    };

    /// <summary>Whether <paramref name="name"/> is in Confluent.Kafka's namespace (<c>dotnet.*</c>).</summary>
    internal static bool IsDotnet(string name) => name.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>Whether Confluent.Kafka defines <paramref name="name"/>.</summary>
    internal static bool IsKnown(string name) => Known.ContainsKey(name);

    /// <summary>
    /// Returns null when <paramref name="name"/> may be set to <paramref name="value"/> in
    /// <paramref name="section"/> (<c>All</c>, <c>Producer</c>, <c>Consumer</c> or <c>Admin</c>),
    /// else why not, worded to follow "key = value".
    /// </summary>
    internal static string? Check(string section, string name, string value)
    {
        if (!Known.TryGetValue(name, out var property))
        {
            return $"is not a Confluent.Kafka property (Confluent.Kafka defines {string.Join(", ", Known.Keys.Order(StringComparer.Ordinal))})";
        }

        if (property.Section is { } only && section != only)
        {
            return $"belongs in {KafkaConnectorOptions.SectionName}:{only}: Confluent.Kafka's other clients refuse {only.ToLowerInvariant()} properties";
        }

        return property.Check(value);
    }

    private static string? CancellationDelay(string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var ms) && ms is >= 1 and <= 10000
            ? null
            : "must be a whole number of milliseconds from 1 to 10000";

    private static string? True(string value, string why) =>
        bool.TryParse(value, out var on) && on ? null : $"must be true: {why}";

    /// <summary>Confluent.Kafka's field lists: <c>all</c>, <c>none</c>, or names separated by commas.</summary>
    private static string? Fields(string value, string[] names, string[] needed)
    {
        var fields = value.Trim() == "all" ? names : value.Trim() == "none" ? [] : value.Split(',', StringSplitOptions.TrimEntries);
        if (fields.FirstOrDefault(f => !names.Contains(f, StringComparer.Ordinal)) is { } unknown)
        {
            return $"names '{unknown}', which is not a field: use all, none, or some of {string.Join(", ", names)}";
        }

        var missing = needed.Except(fields, StringComparer.Ordinal).ToList();
        return missing.Count == 0 ? null : $"must include {string.Join(", ", missing)}, which the connector relies on";
    }
}
