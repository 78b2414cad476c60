// KafkaConnector cluster demo.
//   (no arguments)              three nodes in this process on an embedded broker: broadcast, direct
//                               message, request/reply, membership and dead-lettering; exits 0.
//   --bootstrap-servers X       use the Kafka cluster at X instead of the embedded broker.
//   --layer L --node-id N --listen
//                               run one node until SIGTERM/Ctrl+C; prints "listening layer=L node=N"
//                               once subscribed, then "received topic=… key=… value=…" per message.
using ClusterDemo;
using KafkaConnector;
using KafkaConnector.Cluster;
using KafkaConnector.Messages;
using KafkaConnector.EmbeddedKafka;
using KafkaConnector.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

var settings = Arguments.Parse(args);
if (settings.Error is not null)
{
    Console.Error.WriteLine($"error: {settings.Error}");
    Console.Error.WriteLine("usage: ClusterDemo [--bootstrap-servers X] [--layer L --node-id N --listen]");
    return 2;
}

return settings.Listen ? await ListenAsync(settings) : await WalkthroughAsync(settings);

static async Task<int> ListenAsync(Arguments settings)
{
    var output = new DemoOutput(prefix: false);
    using var host = BuildNode(settings.BootstrapServers!, settings.Layer!, settings.NodeId!, output, embedded: null, walkthrough: false);
    await host.StartAsync();
    var stopping = host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
    try
    {
        await host.Services.GetRequiredService<IKafkaCluster>().WaitUntilReadyAsync(stopping);
    }
    catch (OperationCanceledException)
    {
        await host.StopAsync();
        return 0;
    }

    Console.WriteLine($"listening layer={settings.Layer} node={settings.NodeId}");
    await host.WaitForShutdownAsync(); // SIGTERM or Ctrl+C: the node announces that it leaves
    return 0;
}

static async Task<int> WalkthroughAsync(Arguments settings)
{
    var output = new DemoOutput(prefix: true);
    await using var embedded = settings.BootstrapServers is null ? EmbeddedKafkaCluster.Start() : null;
    var bootstrap = settings.BootstrapServers ?? embedded!.BootstrapServers;
    var layer = settings.Layer ?? "demo" + Guid.NewGuid().ToString("N")[..6];
    output.Step(embedded is null ? $"Kafka cluster {bootstrap}, layer '{layer}'" : $"embedded Kafka broker at {bootstrap}, layer '{layer}'");

    var hosts = new Dictionary<string, IHost>();
    try
    {
        foreach (var id in new[] { "a", "b", "c" })
        {
            hosts[id] = BuildNode(bootstrap, layer, id, output, embedded, walkthrough: true);
            await hosts[id].StartAsync();
        }

        var a = hosts["a"].Services.GetRequiredService<IKafkaCluster>();
        using var membership = a.MemberEvents.Subscribe(e => output.Line("a", $"membership: node {e.Member.NodeId} {e.Kind.ToString().ToLowerInvariant()}"));
        output.Step("three nodes start and discover each other");
        await Until(() => hosts.Values.All(h => h.Services.GetRequiredService<IKafkaCluster>().Members.Count == 3), "every node to see 3 members");
        output.Line("a", "members: " + string.Join(", ", a.Members.Select(m => m.NodeId)));

        output.Step($"a broadcasts on {a.Topics.Broadcast}: every node receives it once");
        await a.BroadcastAsync("greeting"u8.ToArray(), "hello, layer"u8.ToArray());
        await Until(() => hosts.Values.All(h => Printed(h).Any(m => m.ValueAsString() == "hello, layer")), "the broadcast on all three nodes");

        output.Step("a sends a direct message to c: only c receives it");
        await a.SendToNodeAsync("c", "note"u8.ToArray(), "just for you, c"u8.ToArray());
        await Until(() => Printed(hosts["c"]).Any(m => m.ValueAsString() == "just for you, c"), "the direct message on c");

        output.Step("a asks b a question (request/reply over b's and a's node topics)");
        var reply = await a.RequestAsync("b", "whoami", "who are you?"u8.ToArray());
        output.Line("a", $"reply from b: {reply.ValueAsString()}");

        var orders = OrdersTopic(layer);
        output.Step($"an order that makes the receiver throw: retried, then written to {orders}.DLT");
        var api = hosts["a"].Services.GetRequiredService<IKafkaConnectorSystemApi>();
        await api.ProduceAsync(KafkaMessage.FromText(orders, "order-1", "boom"));
        var deadLetter = await ReadOneAsync(bootstrap, orders + ".DLT");
        output.Line("a", $"dead letter: key={deadLetter.KeyAsString()} value={deadLetter.ValueAsString()} " +
            $"receiver={deadLetter.HeaderAsString("kc-dlt-receiver")} attempts={deadLetter.HeaderAsString("kc-dlt-attempts")} " +
            $"error=\"{deadLetter.HeaderAsString("kc-dlt-exception-message")}\"");

        output.Step("node c stops: the others see it leave");
        await hosts["c"].StopAsync();
        hosts["c"].Dispose();
        hosts.Remove("c");
        await Until(() => a.Members.Count == 2, "a to see c leave");
        output.Line("a", "members: " + string.Join(", ", a.Members.Select(m => m.NodeId)));

        output.Step("done: stopping a and b");
        return 0;
    }
    catch (Exception e) when (e is TimeoutException or KafkaClusterException or Confluent.Kafka.KafkaException)
    {
        Console.Error.WriteLine($"demo failed: {e.Message}");
        return 1;
    }
    finally
    {
        foreach (var host in hosts.Values)
        {
            await host.StopAsync();
            host.Dispose();
        }
    }
}

static IHost BuildNode(string bootstrap, string layer, string nodeId, DemoOutput output, EmbeddedKafkaCluster? embedded, bool walkthrough)
{
    var builder = Host.CreateApplicationBuilder();
    builder.Logging.ClearProviders();
    builder.Logging.AddSimpleConsole(o => o.SingleLine = true)
        .SetMinimumLevel(Environment.GetEnvironmentVariable("DEMO_DEBUG") == "1" ? LogLevel.Trace : LogLevel.Error);
    builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace); // stdout stays for messages
    builder.Services.AddSingleton(output);
    var connector = builder.Services.AddKafkaConnector(builder.Configuration, o =>
    {
        o.All["bootstrap.servers"] = bootstrap;
        o.Layer = layer;
        o.NodeId = nodeId;
        o.System.MaxConsumerThreads = 4;
        o.System.PollInterval = TimeSpan.FromMilliseconds(100);
        o.Consumer["topic.metadata.refresh.interval.ms"] = "1000";
        // Kafka's smallest session timeout: a rebalance (a topic appearing) settles in seconds.
        o.Consumer["session.timeout.ms"] = "6000";
        o.Consumer["heartbeat.interval.ms"] = "1000";
        o.Dispatch.MaxRetries = 2;
        o.Dispatch.RetryBackoff = TimeSpan.FromMilliseconds(100);
        o.Cluster.AnnounceInterval = TimeSpan.FromSeconds(1);
        o.Cluster.MemberTimeout = TimeSpan.FromSeconds(5);
        o.ShutdownTimeout = TimeSpan.FromSeconds(5);
    })
        .AddReceiver<PrintingReceiver>("{broadcast},{node}")
        .AddRequestHandler<WhoAmIHandler>("whoami");
    if (embedded is not null)
    {
        connector.UseEmbeddedKafka(embedded);
    }

    if (walkthrough && nodeId == "a")
    {
        // Every node reads in a group of its own, so the order receiver lives on one node only.
        connector.AddReceiver<OrderReceiver>(OrdersTopic(layer));
        embedded?.CreateTopic(OrdersTopic(layer), partitions: 2);
    }

    return builder.Build();
}

static string OrdersTopic(string layer) => "demo-orders-" + layer;

static IEnumerable<KafkaMessage> Printed(IHost host) => host.Services.GetRequiredService<PrintingReceiver>().Received;

static async Task Until(Func<bool> condition, string what)
{
    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
    while (!condition())
    {
        try
        {
            await Task.Delay(50, timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"timed out waiting for {what}");
        }
    }
}

// Reads the dead letter with the connector's own reactive consumption.
static async Task<KafkaMessage> ReadOneAsync(string bootstrap, string topic)
{
    var services = new ServiceCollection();
    services.AddKafkaConnector(o =>
    {
        o.All["bootstrap.servers"] = bootstrap;
        o.Consumer["auto.offset.reset"] = "earliest";
        o.Consumer["topic.metadata.refresh.interval.ms"] = "500";
    });
    await using var provider = services.BuildServiceProvider();
    var first = new TaskCompletionSource<KafkaMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
    using var subscription = provider.GetRequiredService<IKafkaConnectorSystemApi>()
        .ConsumeReactive("demo-dlt-reader-" + Guid.NewGuid().ToString("N")[..8], [topic])
        .Subscribe(m => first.TrySetResult(m));
    return await first.Task.WaitAsync(TimeSpan.FromSeconds(30));
}
