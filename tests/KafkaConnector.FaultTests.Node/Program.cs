// A cluster node for the fault suite: one receiver on --input that writes "<node>:<value>" to
// --output for each message it processes, keyed as the message was. Every --fail-every-th value
// always throws (so it is retried, then dead-lettered); messages keyed --hang-key never finish.
// With --group G the receiver shares its work with the other nodes in consumer group G.
// With --transactional GROUP the work runs in a transactional receiver of that group instead
// (--batch N, --batch-ms MS); it never returns for --hang-value V, after printing "hanging after K
// output(s)", K being the outputs the broker acknowledged in the open transaction.
// Prints "ready" once every consumer of the node is in its group, then runs until SIGTERM.
using KafkaConnector.Cluster;
using KafkaConnector.Diagnostics;
using KafkaConnector.FaultTests.Node;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

var options = NodeOptions.Parse(args);
if (options is null)
{
    Console.Error.WriteLine("usage: kafkaconnector-fault-node --bootstrap-servers B --layer L --node-id N --input T --output O [--fail-every K] [--hang-key KEY] [--group G] [--transactional GROUP [--batch N] [--batch-ms MS] [--hang-value V]]");
    return 2;
}

var builder = Host.CreateApplicationBuilder();
builder.Logging.ClearProviders();
builder.Logging.AddSimpleConsole(o => o.TimestampFormat = "HH:mm:ss.fff ").SetMinimumLevel(LogLevel.Information);
builder.Logging.AddFilter("KafkaConnector.Client", LogLevel.Warning);
builder.Services.AddSingleton(options);
var connector = builder.Services.AddKafkaConnector(o =>
{
    o.All["bootstrap.servers"] = options.BootstrapServers;
    o.Layer = options.Layer;
    o.NodeId = options.NodeId;
    // The standalone broker's classic-protocol rebalances wait session.timeout.ms - 1000.
    o.Consumer["session.timeout.ms"] = "3000";
    o.Consumer["heartbeat.interval.ms"] = "500";
    o.Consumer["auto.offset.reset"] = "earliest";
    o.System.MaxConsumerThreads = 8;
    o.System.ReplicationFactor = 1;
    o.Dispatch.RetryBackoff = TimeSpan.FromMilliseconds(50);
    o.Dispatch.MaxRetryBackoff = TimeSpan.FromMilliseconds(200);
    o.Dispatch.CommitInterval = TimeSpan.FromMilliseconds(200);
    o.Cluster.AnnounceInterval = TimeSpan.FromSeconds(1);
    o.Cluster.MemberTimeout = TimeSpan.FromSeconds(4);
    o.ShutdownTimeout = TimeSpan.FromSeconds(5);
});
if (options.TransactionalGroup is { } transactional)
{
    connector.AddTransactionalReceiver<TransactionalWorkReceiver>(options.Input, transactional, r =>
    {
        (r.MaxBatchSize, r.MaxBatchDuration) = options.Batch;
        r.TransactionTimeout = options.Batch.Duration + TimeSpan.FromSeconds(60);
    });
}
else
{
    connector.AddReceiver<WorkReceiver>(options.Input, configure: r =>
    {
        if (options.Group is { } group)
        {
            r.InGroup(group);
        }
    });
}

using var host = builder.Build();
await host.StartAsync();
await host.Services.GetRequiredService<IKafkaCluster>().WaitUntilReadyAsync();
var status = host.Services.GetRequiredService<IKafkaConnectorStatus>();
while (!status.GetDispatcherStatus().IsReady)
{
    await Task.Delay(50); // the receiver group's consumer joins after the node's
}

Console.WriteLine("ready");
await host.WaitForShutdownAsync();
return 0;
