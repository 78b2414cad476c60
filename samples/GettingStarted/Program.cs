// The first receiver, from README.md: a node that receives the messages of one topic, on an
// embedded broker so that no Kafka installation is needed. Prints "received: hello, Kafka" and
// exits 0; exits 1 when the message does not arrive within 30 s.
using KafkaConnector;
using KafkaConnector.EmbeddedKafka;
using KafkaConnector.Messages;
using KafkaConnector.Receivers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

await using var kafka = EmbeddedKafkaCluster.Start();
kafka.CreateTopic("greetings", partitions: 1);

var builder = Host.CreateApplicationBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
// The embedded broker has no admin API: the node then creates its own topics by writing to them.
builder.Logging.AddFilter("KafkaConnector.Dispatcher", LogLevel.Critical);
builder.Services.AddSingleton<Inbox>();
builder.Services
    .AddKafkaConnector(options =>
    {
        options.All["bootstrap.servers"] = kafka.BootstrapServers; // your brokers here
        options.Layer = "hello";                                   // receivers run on a node: layer + node id
        options.NodeId = "node-1";
        options.Consumer["auto.offset.reset"] = "earliest";       // a new node reads its topics from the start
    })
    .AddReceiver<GreetingReceiver>("greetings");

using var host = builder.Build();
await host.StartAsync();

var api = host.Services.GetRequiredService<IKafkaConnectorSystemApi>();
await api.ProduceAsync(KafkaMessage.FromText("greetings", "k1", "hello, Kafka"));

var inbox = host.Services.GetRequiredService<Inbox>();
var arrived = await Task.WhenAny(inbox.First, Task.Delay(TimeSpan.FromSeconds(30)));
Console.WriteLine(arrived == inbox.First ? $"received: {await inbox.First}" : "error: no message within 30 s");
await host.StopAsync();
return arrived == inbox.First ? 0 : 1;

/// <summary>Gets every message of the topics it was registered for, in order per key.</summary>
internal sealed class GreetingReceiver(Inbox inbox) : IKafkaMessageReceiver
{
    public Task ReceiveAsync(KafkaMessage message, CancellationToken cancellationToken)
    {
        inbox.Add(message.ValueAsString());
        return Task.CompletedTask;
    }
}

/// <summary>Hands the first received value to the main program.</summary>
internal sealed class Inbox
{
    private readonly TaskCompletionSource<string?> _first = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<string?> First => _first.Task;

    public void Add(string? value) => _first.TrySetResult(value);
}
