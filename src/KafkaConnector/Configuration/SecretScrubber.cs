namespace KafkaConnector.Configuration;

/// <summary>
/// Replaces the values of a client's secret properties with <c>***</c> in text that leaves the
/// connector: librdkafka's log lines and error reasons, and exception messages. librdkafka's own
/// errors may quote a value (a bad OAuth extension, say), so masking at the key is not enough.
/// </summary>
internal sealed class SecretScrubber
{
    /// <summary>Shorter values are not scrubbed: "1" or "true" would mangle every message.</summary>
    private const int MinimumLength = 4;

    internal static readonly SecretScrubber None = new([]);

    private readonly string[] _secrets;

    private SecretScrubber(string[] secrets) => _secrets = secrets;

    /// <summary>The scrubber for a client configured with <paramref name="config"/>.</summary>
    internal static SecretScrubber For(IEnumerable<KeyValuePair<string, string>> config)
    {
        var secrets = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, value) in config)
        {
            if (string.IsNullOrEmpty(value) || ConfluentConfigProperties.IsDotnet(key) || !SensitiveProperties.IsSecret(key))
            {
                continue;
            }

            secrets.Add(value);
            // key=value lists (extensions, sasl.oauthbearer.config): each value may be quoted alone.
            foreach (var part in value.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                secrets.Add(part);
                if (part.IndexOf('=', StringComparison.Ordinal) is var at and >= 0)
                {
                    secrets.Add(part[(at + 1)..]);
                }
            }
        }

        // Longest first, so that a value containing another is masked whole.
        return new SecretScrubber([.. secrets.Where(s => s.Length >= MinimumLength).OrderByDescending(s => s.Length)]);
    }

    /// <summary><paramref name="text"/> with every secret value replaced by <c>***</c>.</summary>
    internal string Scrub(string text)
    {
        foreach (var secret in _secrets)
        {
            if (text.Contains(secret, StringComparison.Ordinal))
            {
                text = text.Replace(secret, "***", StringComparison.Ordinal);
            }
        }

        return text;
    }
}
