namespace KafkaConnector.FaultTests.Harness;

/// <summary>
/// What one node (or a set of nodes sharing the work) did with the input, judged from the records alone:
/// each input value must have been processed (an output record "&lt;node&gt;:&lt;value&gt;") or
/// dead-lettered, and a key's values must first appear in the order they were written. Repeats are
/// allowed: delivery is at least once.
/// </summary>
internal sealed class StreamCheck
{
    private StreamCheck(IReadOnlyList<long> lost, IReadOnlyList<string> outOfOrder, int processed, int deadLettered, int repeats)
    {
        Lost = lost;
        OutOfOrder = outOfOrder;
        Processed = processed;
        DeadLettered = deadLettered;
        Repeats = repeats;
    }

    /// <summary>Input values neither processed nor dead-lettered.</summary>
    public IReadOnlyList<long> Lost { get; }

    /// <summary>Keys whose values first appeared out of order, with the offending pair.</summary>
    public IReadOnlyList<string> OutOfOrder { get; }

    public int Processed { get; }

    public int DeadLettered { get; }

    /// <summary>Output records beyond the first for a value (redeliveries after a crash).</summary>
    public int Repeats { get; }

    /// <param name="input">The input topic's records (key, value = a number).</param>
    /// <param name="output">The output topic's records ("&lt;node&gt;:&lt;value&gt;").</param>
    /// <param name="deadLetters">The dead-letter topic's records (the input records as they were).</param>
    /// <param name="node">The node judged, or null for all of them together (nodes sharing the work in one group).</param>
    /// <param name="expected">Which input values must be there (null: all); others may be missing.</param>
    public static StreamCheck Of(IEnumerable<KafkaRecord> input, IEnumerable<KafkaRecord> output, IEnumerable<KafkaRecord> deadLetters, string? node, Func<KafkaRecord, bool>? expected = null)
    {
        var prefix = node is null ? null : node + ":";
        var seen = new HashSet<long>();
        var lastByKey = new Dictionary<string, long>(StringComparer.Ordinal);
        var outOfOrder = new List<string>();
        var processed = 0;
        var repeats = 0;
        foreach (var record in output.Where(r => r.Value is { } v && (prefix is null ? v.Contains(':', StringComparison.Ordinal) : v.StartsWith(prefix, StringComparison.Ordinal))))
        {
            var value = long.Parse(record.Value![(record.Value!.IndexOf(':', StringComparison.Ordinal) + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            if (!seen.Add(value))
            {
                repeats++;
                continue;
            }

            processed++;
            var key = record.Key ?? string.Empty;
            if (lastByKey.TryGetValue(key, out var last) && value < last)
            {
                outOfOrder.Add($"{key}: {value} after {last}");
            }

            lastByKey[key] = Math.Max(value, lastByKey.GetValueOrDefault(key, long.MinValue));
        }

        var dead = deadLetters.Select(r => long.Parse(r.Value!, System.Globalization.CultureInfo.InvariantCulture)).ToHashSet();
        var lost = input.Where(expected ?? (_ => true))
            .Select(r => long.Parse(r.Value!, System.Globalization.CultureInfo.InvariantCulture))
            .Where(v => !seen.Contains(v) && !dead.Contains(v))
            .Order()
            .ToList();
        return new StreamCheck(lost, outOfOrder, processed, dead.Count, repeats);
    }

    public override string ToString() =>
        $"processed {Processed}, dead-lettered {DeadLettered}, repeats {Repeats}, lost {Lost.Count} ({string.Join(",", Lost.Take(20))}), out of order {OutOfOrder.Count} ({string.Join("; ", OutOfOrder.Take(5))})";
}
