using System.Diagnostics;
using System.Text.Json;

namespace KafkaConnector.FaultTests.Harness;

/// <summary>kafka-python through Debian's python3: writes the input, reads back what is on the broker.</summary>
internal static class PythonOracle
{
    /// <summary>Debian's python3, which python3-kafka installs into (another python3 on PATH may lack it).</summary>
    private const string Python = "/usr/bin/python3";

    public static void EnsureAvailable()
    {
        Assert.SkipUnless(File.Exists(Python), $"{Python} is not installed (apt-get install python3-kafka; .ci/run installs it)");
        var (code, _, _) = Run(["-c", "import kafka"], TimeSpan.FromSeconds(30));
        Assert.SkipUnless(code == 0, "kafka-python is not installed: apt-get install python3-kafka (.ci/run installs it)");
    }

    /// <summary>Writes values <paramref name="first"/>.. keyed <c>k&lt;value % keys&gt;</c>, after <paramref name="hotCount"/> values keyed <paramref name="hotKey"/>.</summary>
    public static int Produce(string bootstrap, string topic, int keys, long first, int count, string? hotKey = null, int hotCount = 0)
    {
        string[] arguments = [SuiteFiles.Oracle, "produce", bootstrap, topic, $"{keys}", $"{first}", $"{count}", .. hotKey is null ? Array.Empty<string>() : [hotKey, $"{hotCount}"]];
        var (code, output, errors) = Run(arguments, TimeSpan.FromMinutes(2));
        Assert.True(code == 0, $"kafka-python could not produce: {errors}");
        return int.Parse(output.Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Every record of the topics as they are now.</summary>
    public static Dictionary<string, List<KafkaRecord>> Read(string bootstrap, params string[] topics)
    {
        var (code, output, errors) = Run([SuiteFiles.Oracle, "read", bootstrap, .. topics], TimeSpan.FromMinutes(2));
        Assert.True(code == 0, $"kafka-python could not read {string.Join(", ", topics)}: {errors}");
        var raw = JsonSerializer.Deserialize<Dictionary<string, List<JsonElement[]>>>(output)!;
        return raw.ToDictionary(
            p => p.Key,
            p => p.Value.Select(r => new KafkaRecord(r[0].GetInt32(), r[1].GetInt64(), r[2].GetString(), r[3].GetString())).ToList());
    }

    /// <summary>The records of <paramref name="topic"/> by the outcome of their transaction, from the commit and abort markers in the log.</summary>
    public static (List<KafkaRecord> Committed, List<KafkaRecord> Aborted, List<KafkaRecord> Open) ReadTransactions(string bootstrap, string topic)
    {
        var (code, output, errors) = Run([SuiteFiles.Oracle, "transactions", bootstrap, topic], TimeSpan.FromMinutes(2));
        Assert.True(code == 0, $"kafka-python could not read {topic}: {errors}");
        var view = JsonSerializer.Deserialize<Dictionary<string, Dictionary<string, List<JsonElement[]>>>>(output)![topic];
        List<KafkaRecord> Records(string outcome) =>
            [.. view[outcome].Select(r => new KafkaRecord(r[0].GetInt32(), r[1].GetInt64(), r[2].GetString(), r[3].GetString()))];
        return (Records("committed"), Records("aborted"), Records("open"));
    }

    private static (int Code, string Output, string Errors) Run(string[] arguments, TimeSpan limit)
    {
        var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"python3 {string.Join(' ', arguments)} ran past {limit}");
        }

        return (process.ExitCode, output.Result, errors.Result);
    }
}

/// <summary>One record as kafka-python read it.</summary>
internal sealed record KafkaRecord(int Partition, long Offset, string? Key, string? Value);
