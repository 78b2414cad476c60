// Round trip through the embedded broker (or --bootstrap-servers X): produce, then consume back.
using System.Text;
using Confluent.Kafka;
using KafkaConnector.Testing;

string? bootstrap = null;
for (var i = 0; i < args.Length - 1; i++)
{
    if (args[i] == "--bootstrap-servers")
    {
        bootstrap = args[i + 1];
    }
}

await using var embedded = bootstrap is null ? EmbeddedKafkaCluster.Start() : null;
bootstrap ??= embedded!.BootstrapServers;
Console.WriteLine(embedded is null ? $"using cluster {bootstrap}" : $"started embedded broker at {bootstrap}");

var topic = "demo-" + Guid.NewGuid().ToString("N")[..8];
embedded?.CreateTopic(topic, partitions: 1);

using (var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = bootstrap }).Build())
{
    var result = await producer.ProduceAsync(topic, new Message<string, string> { Key = "greeting", Value = "hello, cluster" });
    Console.WriteLine($"produced  key={result.Message.Key} value={result.Message.Value} at {result.TopicPartitionOffset}");
}

using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
{
    BootstrapServers = bootstrap,
    GroupId = "demo",
    AutoOffsetReset = AutoOffsetReset.Earliest,
}).Build();
consumer.Subscribe(topic);
var record = consumer.Consume(TimeSpan.FromSeconds(30));
consumer.Close();
if (record is null)
{
    Console.Error.WriteLine("no message came back within 30 s");
    return 1;
}

Console.WriteLine($"consumed  key={record.Message.Key} value={record.Message.Value} at {record.TopicPartitionOffset}");
Console.WriteLine(Encoding.UTF8.GetByteCount(record.Message.Value) > 0 ? "round trip ok" : "empty message");
return 0;
