using System.Collections.Concurrent;

namespace KafkaConnector.Diagnostics;

/// <summary>
/// Lets one of a run of alike messages through per window: a client that cannot reach its brokers
/// reports the same failure several times a second, and the log should say it once, then how often
/// it recurred. Messages are alike when they differ only in their numbers (ports, milliseconds) and
/// in librdkafka's own note of identical errors it suppressed.
/// </summary>
internal sealed class RepeatedMessageFilter(TimeProvider time, TimeSpan window)
{
    /// <summary>Keys kept at most; past it the filter starts afresh rather than grow.</summary>
    private const int MaxKeys = 1024;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    internal TimeSpan Window => window;

    /// <summary>
    /// Whether to write the message now; when it is written after a quiet spell,
    /// <paramref name="suppressed"/> says how many alike ones were held back since the last one written.
    /// </summary>
    internal bool ShouldWrite(string source, string message, out int suppressed)
    {
        if (_entries.Count >= MaxKeys)
        {
            _entries.Clear();
        }

        var now = time.GetTimestamp();
        var entry = _entries.GetOrAdd(string.Concat(source, "\u0001", Normalize(message)), static _ => new Entry());
        lock (entry)
        {
            if (entry.LastWritten != 0 && time.GetElapsedTime(entry.LastWritten, now) < window)
            {
                entry.Suppressed++;
                suppressed = 0;
                return false;
            }

            suppressed = entry.Suppressed;
            entry.Suppressed = 0;
            entry.LastWritten = now;
            return true;
        }
    }

    /// <summary>The message with each run of digits as one '#'.</summary>
    private static string Normalize(string message)
    {
        var builder = new System.Text.StringBuilder(message.Length);
        for (var i = 0; i < message.Length; i++)
        {
            if (!char.IsAsciiDigit(message[i]))
            {
                builder.Append(message[i]);
            }
            else if (i == 0 || !char.IsAsciiDigit(message[i - 1]))
            {
                builder.Append('#');
            }
        }

        // librdkafka's own "(after #ms in state CONNECT, # identical error(s) suppressed)" is alike too.
        return builder.Replace(", # identical error(s) suppressed", string.Empty).ToString();
    }

    private sealed class Entry
    {
        public long LastWritten;
        public int Suppressed;
    }
}
