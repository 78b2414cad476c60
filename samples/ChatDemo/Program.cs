// KafkaConnector chat demo: two nodes of one layer, each an ASP.NET Core app with channel mode, the
// dashboard and the admin endpoints, on an embedded Kafka broker.
//   (no arguments)  start both nodes, let alice (on node a) and bob (on node b) talk through a
//                   channel, read the dashboard's stream, print what happened; exits 0.
//   --serve         the same, then keep serving until Ctrl+C: open the printed URLs in a browser.
//   --port N        node a listens on 127.0.0.1:N, node b on N+1 (default 5080).
//   --verbose       the nodes' logs (Information and above) on stdout.
using ChatDemo;
using KafkaConnector.Testing;
using KafkaConnector.EmbeddedKafka;

var serve = args.Contains("--serve");
var verbose = args.Contains("--verbose");
var portIndex = Array.IndexOf(args, "--port");
var port = portIndex >= 0 && portIndex + 1 < args.Length && int.TryParse(args[portIndex + 1], out var p) ? p : 5080;
if (args.Except(["--serve", "--verbose", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)]).Any())
{
    Console.Error.WriteLine("usage: ChatDemo [--serve] [--port N] [--verbose]");
    return 2;
}

await using var broker = EmbeddedKafkaCluster.Start();
var layer = "chat" + Guid.NewGuid().ToString("N")[..6];
Console.WriteLine($"== embedded Kafka broker at {broker.BootstrapServers}, layer '{layer}'");
await using var a = ChatNode.Build(broker, layer, "a", port, verbose);
await using var b = ChatNode.Build(broker, layer, "b", port + 1, verbose);
await a.StartAsync();
await b.StartAsync();
var urlA = new Uri($"http://127.0.0.1:{port}/");
var urlB = new Uri($"http://127.0.0.1:{port + 1}/");
Console.WriteLine($"== node a at {urlA}, node b at {urlB}");

try
{
    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
    await Walkthrough.RunAsync(urlA, urlB, timeout.Token);
}
catch (Exception e) when (e is OperationCanceledException or TimeoutException)
{
    Console.Error.WriteLine($"error: the walkthrough did not finish: {e.Message}");
    return 1;
}

if (serve)
{
    Console.WriteLine($"== serving until Ctrl+C: chat {urlA}?user=alice and {urlB}?user=bob, dashboard {urlA}kafka/dashboard/?user=ops");
    // Each node's host stops on Ctrl+C or SIGTERM (its console lifetime); wait for that.
    var stop = new TaskCompletionSource();
    using var stopA = a.Lifetime.ApplicationStopping.Register(() => stop.TrySetResult());
    using var stopB = b.Lifetime.ApplicationStopping.Register(() => stop.TrySetResult());
    await stop.Task;
}

Console.WriteLine("== done: stopping both nodes");
await b.StopAsync();
await a.StopAsync();
return 0;
