// The embedded Kafka broker as a standalone process, for other processes and tools (kcat):
//   kafkaconnector-broker [--brokers N] [--bootstrap-file PATH] [--topic NAME[:PARTITIONS]]...
// Prints exactly one line "bootstrap.servers=<host:port,...>" on stdout when ready and runs
// until Ctrl+C or SIGTERM. A bad argument (a topic named twice, a broker count below 1) prints
// "error: ..." and the usage on stderr and exits 2 before any broker starts.
using System.Runtime.InteropServices;
using KafkaConnector.EmbeddedKafka;

var brokers = 1;
string? bootstrapFile = null;
var topics = new List<(string Name, int Partitions)>();

for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--brokers" when i + 1 < args.Length:
            if (!int.TryParse(args[++i], System.Globalization.CultureInfo.InvariantCulture, out brokers) || brokers < 1)
            {
                return Usage($"--brokers '{args[i]}': the broker count must be a whole number of at least 1");
            }

            break;
        case "--bootstrap-file" when i + 1 < args.Length:
            bootstrapFile = args[++i];
            break;
        case "--topic" when i + 1 < args.Length:
            var spec = args[++i].Split(':', 2);
            if (spec.Length == 2 && !(int.TryParse(spec[1], out var p) && p >= 1))
            {
                return Usage($"--topic '{args[i]}': the partition count must be a whole number of at least 1");
            }

            if (spec[0].Length == 0)
            {
                return Usage($"--topic '{args[i]}': the topic name is empty");
            }

            if (topics.Any(t => t.Name == spec[0]))
            {
                // Not merged: with different partition counts there would be no right answer.
                return Usage($"--topic '{args[i]}': topic '{spec[0]}' is given more than once");
            }

            topics.Add((spec[0], spec.Length == 2 ? int.Parse(spec[1], System.Globalization.CultureInfo.InvariantCulture) : 1));
            break;
        case "-h" or "--help":
            return Usage(null);
        default:
            return Usage($"unknown or incomplete argument '{args[i]}'");
    }
}

using var stop = new CancellationTokenSource();
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx => { ctx.Cancel = true; stop.Cancel(); });
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, ctx => { ctx.Cancel = true; stop.Cancel(); });

EmbeddedKafkaCluster started;
try
{
    started = EmbeddedKafkaCluster.Start(brokers);
}
catch (InvalidOperationException e)
{
    // librdkafka cannot load (or is another version): the message names the cause and the fix.
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}

await using var cluster = started;
foreach (var (name, partitions) in topics)
{
    cluster.CreateTopic(name, partitions, Math.Min(3, brokers));
}

if (bootstrapFile is not null)
{
    // Write then rename, so a reader polling for the file never sees it half written.
    var temp = bootstrapFile + ".tmp";
    await File.WriteAllTextAsync(temp, cluster.BootstrapServers);
    File.Move(temp, bootstrapFile, overwrite: true);
}

Console.Out.WriteLine($"bootstrap.servers={cluster.BootstrapServers}");
Console.Out.Flush();
Console.Error.WriteLine($"embedded Kafka broker: {brokers} broker(s) up; Ctrl+C or SIGTERM stops it; 'down' or 'up' on standard input takes every broker down or up");
_ = Task.Run(() => Control(cluster, stop.Token), stop.Token);

try
{
    await Task.Delay(Timeout.Infinite, stop.Token);
}
catch (OperationCanceledException)
{
    // Asked to stop.
}

Console.Error.WriteLine("embedded Kafka broker: stopping");
if (bootstrapFile is not null)
{
    File.Delete(bootstrapFile);
}

return 0;

// Fault injection from another process: "down" and "up" lines on standard input, acknowledged on
// standard output once done. The data stays: the brokers refuse connections while down.
static async Task Control(EmbeddedKafkaCluster cluster, CancellationToken stop)
{
    while (!stop.IsCancellationRequested && await Console.In.ReadLineAsync(stop) is { } line)
    {
        switch (line.Trim())
        {
            case "down":
                cluster.SetBrokerDown(EmbeddedKafkaCluster.AllBrokers);
                Console.Out.WriteLine("brokers down");
                break;
            case "up":
                cluster.SetBrokerUp(EmbeddedKafkaCluster.AllBrokers);
                Console.Out.WriteLine("brokers up");
                break;
            case "":
                break;
            default:
                Console.Error.WriteLine($"embedded Kafka broker: unknown command '{line.Trim()}' (down, up)");
                break;
        }

        Console.Out.Flush();
    }
}

static int Usage(string? error)
{
    if (error is not null)
    {
        Console.Error.WriteLine($"error: {error}");
    }

    Console.Error.WriteLine("usage: kafkaconnector-broker [--brokers N] [--bootstrap-file PATH] [--topic NAME[:PARTITIONS]]...");
    return error is null ? 0 : 2;
}
