using System.Diagnostics;
using System.Text.Json;

namespace KafkaConnector.Tests.Transactions;

/// <summary>A record as the oracle reports it.</summary>
internal sealed record LogRecord(int Partition, long Offset, string? Key, string? Value);

/// <summary>A topic's records by the outcome of their transaction.</summary>
internal sealed record TransactionView(IReadOnlyList<LogRecord> Committed, IReadOnlyList<LogRecord> Aborted, IReadOnlyList<LogRecord> Open)
{
    public override string ToString() => $"committed [{string.Join(", ", Committed.Select(r => r.Value))}], aborted [{string.Join(", ", Aborted.Select(r => r.Value))}], open [{string.Join(", ", Open.Select(r => r.Value))}]";
}

/// <summary>
/// Independent readers of what transactions left on a topic. kafka-python (a protocol implementation
/// of its own) decides from the log itself, by the commit and abort markers, what a read_committed
/// reader must see: the embedded broker serves read_committed fetches like read_uncommitted ones, so
/// a read_committed consumer cannot tell there. kcat (librdkafka, not Confluent.Kafka) reads with
/// <c>isolation.level=read_committed</c>, which a real broker honours.
/// </summary>
internal static class TransactionOracle
{
    private const string Python = "/usr/bin/python3";
    private static readonly string Script = Path.Combine(AppContext.BaseDirectory, "Transactions", "oracle.py");

    /// <summary>The records of <paramref name="topics"/> by outcome; skips the test when kafka-python is missing.</summary>
    public static async Task<Dictionary<string, TransactionView>> ReadAsync(string bootstrap, string[] topics, CancellationToken cancellationToken)
    {
        Assert.SkipUnless(File.Exists(Python), $"{Python} is not installed (apt-get install python3-kafka; .ci/run installs it)");
        var (code, output, errors) = await RunAsync(Python, [Script, "transactions", bootstrap, .. topics], cancellationToken);
        Assert.SkipWhen(code != 0 && errors.Contains("No module named 'kafka'", StringComparison.Ordinal), "kafka-python is not installed: apt-get install python3-kafka (.ci/run installs it)");
        Assert.True(code == 0, $"kafka-python could not read {string.Join(", ", topics)}: {errors}");
        var raw = JsonSerializer.Deserialize<Dictionary<string, Dictionary<string, List<JsonElement[]>>>>(output)!;
        return raw.ToDictionary(t => t.Key, t => new TransactionView(Records(t.Value["committed"]), Records(t.Value["aborted"]), Records(t.Value["open"])));
    }

    /// <summary>Reads until <paramref name="done"/> holds for <paramref name="topic"/>'s view, polling the broker; fails with the last view after <paramref name="timeout"/>.</summary>
    public static async Task<TransactionView> UntilAsync(string bootstrap, string topic, Func<TransactionView, bool> done, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var view = (await ReadAsync(bootstrap, [topic], cancellationToken))[topic];
            if (done(view))
            {
                return view;
            }

            Assert.True(watch.Elapsed < timeout, $"{topic} did not reach the expected state within {timeout.TotalSeconds:0} s: {view}");
            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken); // polling the broker, not synchronising
        }
    }

    /// <summary>The values kcat reads from <paramref name="topic"/> with <c>isolation.level=read_committed</c>; skips the test when kcat is missing.</summary>
    public static async Task<List<string>> KcatReadCommittedAsync(string bootstrap, string topic, CancellationToken cancellationToken)
    {
        (int Code, string Output, string Errors) result;
        try
        {
            result = await RunAsync("kcat", ["-C", "-b", bootstrap, "-t", topic, "-X", "isolation.level=read_committed", "-e", "-q", "-f", "%s\\n"], cancellationToken);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Assert.Skip("kcat is not installed (apt-get install kcat; .ci/run installs it)");
            throw;
        }

        Assert.True(result.Code == 0, $"kcat exited {result.Code}: {result.Errors}");
        return [.. result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)];
    }

    private static List<LogRecord> Records(List<JsonElement[]> rows) =>
        [.. rows.Select(r => new LogRecord(r[0].GetInt32(), r[1].GetInt64(), r[2].GetString(), r[3].GetString()))];

    private static async Task<(int Code, string Output, string Errors)> RunAsync(string file, string[] arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).WaitAsync(TimeSpan.FromMinutes(2), cancellationToken);
        return (process.ExitCode, await output, await errors);
    }
}
