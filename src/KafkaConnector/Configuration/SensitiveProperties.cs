using System.Collections.Concurrent;

namespace KafkaConnector.Configuration;

/// <summary>
/// Which client properties hold secrets, so that no message or log shows their values. librdkafka
/// decides for its own properties: a value is shown only when librdkafka's own configuration dump
/// prints it (<see cref="NativeConfigProbe.IsRedactedByLibrdkafka"/>); when it cannot tell, the
/// value is treated as secret. A few properties librdkafka prints are secret all the same.
/// </summary>
internal static class SensitiveProperties
{
    /// <summary>Secrets librdkafka's dump prints in clear: OAuth extensions carry tokens and keys.</summary>
    private static readonly HashSet<string> AlsoSecret = new(StringComparer.Ordinal)
    {
        "sasl.oauthbearer.extensions",
    };

    private static readonly ConcurrentDictionary<string, bool> Cache = new(StringComparer.Ordinal);

    /// <summary>Whether the value of the librdkafka property <paramref name="property"/> must never be shown.</summary>
    internal static bool IsSecret(string property) =>
        Cache.GetOrAdd(property, static p => AlsoSecret.Contains(p) || NativeConfigProbe.IsRedactedByLibrdkafka(p) != false);
}
