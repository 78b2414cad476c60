// The benchmark harness: the raw Confluent.Kafka client and the connector, side by side in one
// process and one run (docs/performance.md).
//   kafkaconnector-bench [--quick] [--reps N] [--only produce,dispatch,batch,parallel,latency] [--out DIR]
//                        [--set KafkaConnector:KEY=VALUE]... [--node-logs]
// Runs on the embedded broker, or on KAFKA_BOOTSTRAP_SERVERS when it is set. Prints the results
// table on stdout (progress goes to stderr) and writes DIR/results.json and DIR/throughput.svg.
// --set changes the connector's configuration (never the raw side's), for experiments; --node-logs
// prints the nodes' logs at Debug level (add --set KafkaConnector:Consumer:debug=fetch for librdkafka's).
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using KafkaConnector.Benchmarks.Harness;
using KafkaConnector.Benchmarks.Infrastructure;
using KafkaConnector.Benchmarks.Scenarios;

var quick = false;
int? repetitions = null;
var overrides = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
var nodeLogs = false;
var output = Path.Combine("artifacts", "bench");
string[] groups = ["produce", "dispatch", "batch", "parallel", "latency"];
var only = groups.ToHashSet(StringComparer.Ordinal);
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--quick":
            quick = true;
            break;
        case "--reps" when i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var reps) && reps >= 1:
            repetitions = reps;
            i++;
            break;
        case "--only" when i + 1 < args.Length:
            only = args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
            if (!only.IsSubsetOf(groups))
            {
                return Usage($"--only takes {string.Join(',', groups)}");
            }

            break;
        case "--set" when i + 1 < args.Length && args[i + 1].Split('=', 2) is [{ Length: > 0 } key, var value]:
            overrides[key] = value;
            i++;
            break;
        case "--node-logs":
            nodeLogs = true;
            break;
        case "--out" when i + 1 < args.Length:
            output = args[++i];
            break;
        case "-h" or "--help":
            return Usage(null);
        default:
            return Usage($"unknown or incomplete argument '{args[i]}'");
    }
}

var settings = quick ? BenchSettings.Quick : BenchSettings.Full;
settings = settings with { Repetitions = repetitions ?? settings.Repetitions };

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

var clock = Stopwatch.StartNew();
var external = !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(KafkaConnector.Testing.KafkaTestCluster.BootstrapServersVariable));
var machine = string.Create(CultureInfo.InvariantCulture,
    $"{Environment.ProcessorCount} cores, {RuntimeInformation.FrameworkDescription}, {RuntimeInformation.OSDescription}, librdkafka {Confluent.Kafka.Library.VersionString}, " +
    $"{(external ? "external cluster" : "embedded broker in this process")}, {settings.Name} run, {settings.Repetitions} repetitions, medians") +
    (overrides.Count == 0 ? "" : "; connector overrides: " + string.Join(", ", overrides.Select(o => o.Key + "=" + o.Value))) +
    LoadAverage("; load average at start");
Progress.Say(machine);
var timers = Calibration.Measure();
Progress.Say(timers);

var rows = new List<ResultRow>();
var allocations = new List<ResultRow>();
try
{
    // Each group gets a broker of its own (on the embedded broker: a fresh one), so that groups,
    // offsets and topics left by one group never weigh on the next.
    foreach (var group in groups.Where(only.Contains))
    {
        var broker = BenchBroker.Start();
        await using (broker)
        {
            var clients = new ClientSettings(broker, overrides, nodeLogs);
            await (group switch
            {
                "produce" => new ProduceScenarios(clients, settings).RunAsync(rows, allocations, cancel.Token),
                "dispatch" => new DispatchScenarios(clients, settings).RunNoOpAsync(rows, allocations, cancel.Token),
                "batch" => new DispatchScenarios(clients, settings).RunBatchAsync(rows, cancel.Token),
                "parallel" => new DispatchScenarios(clients, settings).RunParallelAsync(rows, cancel.Token),
                _ => new LatencyScenarios(clients, settings).RunAsync(rows, cancel.Token),
            });
        }
    }
}
catch (OperationCanceledException) when (cancel.IsCancellationRequested)
{
    Progress.Say("cancelled; results so far follow");
}

rows.AddRange(allocations);
Console.Out.WriteLine(machine);
Console.Out.WriteLine(timers + LoadAverage("; load average at the end"));
Console.Out.WriteLine();
Console.Out.Write(Report.Table(rows));
Console.Out.WriteLine();
Console.Out.WriteLine("Spread over the repetitions:");
Console.Out.WriteLine();
Console.Out.Write(Report.SpreadTable(rows));

Directory.CreateDirectory(output);
await Report.WriteJsonAsync(rows, Path.Combine(output, "results.json"), CancellationToken.None);
await File.WriteAllTextAsync(Path.Combine(output, "throughput.svg"), Report.ThroughputSvg(rows, machine), CancellationToken.None);
Progress.Say(string.Create(CultureInfo.InvariantCulture, $"wrote {Path.Combine(output, "results.json")} and {Path.Combine(output, "throughput.svg")}; {clock.Elapsed.TotalSeconds:0} s in all"));
return cancel.IsCancellationRequested ? 130 : 0;

// Other work on the machine skews every figure: say how busy it was (Linux only).
static string LoadAverage(string label)
{
    try
    {
        return File.Exists("/proc/loadavg") ? $"{label} {string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3))} (1, 5, 15 min)" : "";
    }
    catch (IOException)
    {
        return "";
    }
}

static int Usage(string? error)
{
    if (error is not null)
    {
        Console.Error.WriteLine($"kafkaconnector-bench: {error}");
    }

    Console.Error.WriteLine("usage: kafkaconnector-bench [--quick] [--reps N] [--only produce,dispatch,batch,parallel,latency] [--out DIR] [--set KafkaConnector:KEY=VALUE]... [--node-logs]");
    return error is null ? 0 : 2;
}
