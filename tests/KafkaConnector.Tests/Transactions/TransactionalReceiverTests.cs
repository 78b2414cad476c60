using Confluent.Kafka;
using KafkaConnector.Diagnostics;
using KafkaConnector.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace KafkaConnector.Tests.Transactions;

/// <summary>
/// A transactional receiver on a real host and broker: what it writes commits with the offsets it
/// consumed, one transaction per batch, and a read_committed reader sees each output once.
/// </summary>
public sealed class TransactionalReceiverTests(KafkaFixture fixture)
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(60);
    private readonly KafkaTestCluster _cluster = fixture.Cluster;

    [Fact]
    public async Task NMessages_BecomeExactlyNCommittedOutputs_ForReadCommittedReaders()
    {
        var ct = TestContext.Current.CancellationToken;
        var input = await _cluster.CreateNewTopicAsync("txn-in", 2, ct);
        var output = await _cluster.CreateNewTopicAsync("txn-out", 2, ct);
        var group = _cluster.NewGroupId("txn");
        var written = await ProduceAsync(input, 40, ct);
        var settings = new TransformSettings(output);

        await using var node = await StartAsync(input, group, settings, ct, batch: 7);
        var view = await TransactionOracle.UntilAsync(_cluster.BootstrapServers, output, v => v.Committed.Count >= written.Count, WaitLimit, ct);

        Assert.Equal(written.Select(v => v + "!").Order(), view.Committed.Select(r => r.Value!).Order());
        Assert.Empty(view.Aborted);
        Assert.Empty(view.Open);
        Assert.Equal(written.Select(v => v + "!").Order(), (await TransactionOracle.KcatReadCommittedAsync(_cluster.BootstrapServers, output, ct)).Order());
        var status = Assert.Single(node.Host.Services.GetRequiredService<IKafkaTransactionalStatus>().GetTransactionalReceivers());
        Assert.True(status.CommittedTransactions >= 40 / 7, $"one transaction per batch of at most 7: {status.CommittedTransactions} committed");
        Assert.Equal($"{group}.a", status.TransactionalId);
        Assert.Equal(0, status.AbortedTransactions);
        if (!_cluster.IsEmbedded)
        {
            // The embedded broker accepts the offsets sent with the transaction but does not store them.
            Assert.Equal(await EndOffsetsAsync(input, ct), await CommittedOffsetsAsync(input, group, ct));
        }
    }

    private async Task<NodeHost> StartAsync(string input, string group, TransformSettings settings, CancellationToken ct, int batch = 100, Action<KafkaConnector.Transactions.KafkaTransactionalReceiverOptions>? configure = null) =>
        await NodeHost.StartAsync(
            _cluster,
            NodeHost.NewLayer(),
            "a",
            build: b => b.AddTransactionalReceiver<TransformReceiver>(input, group, r =>
            {
                r.MaxBatchSize = batch;
                configure?.Invoke(r);
            }),
            configure: o => o.Consumer["auto.offset.reset"] = "earliest",
            services: s => s.AddSingleton(settings));

    private async Task<List<string>> ProduceAsync(string topic, int count, CancellationToken ct)
    {
        using var producer = new ProducerBuilder<string, string>(_cluster.CreateProducerConfig()).Build();
        var values = Enumerable.Range(1, count).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        foreach (var value in values)
        {
            await producer.ProduceAsync(topic, new Message<string, string> { Key = "k" + (int.Parse(value, System.Globalization.CultureInfo.InvariantCulture) % 4), Value = value }, ct);
        }

        return values;
    }

    private async Task<List<long>> EndOffsetsAsync(string topic, CancellationToken ct)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(_cluster.CreateConsumerConfig(_cluster.NewGroupId())).Build();
        var partitions = Enumerable.Range(0, 2).Select(p => new TopicPartition(topic, p));
        await Task.CompletedTask;
        ct.ThrowIfCancellationRequested();
        return [.. partitions.Select(p => consumer.QueryWatermarkOffsets(p, TimeSpan.FromSeconds(10)).High.Value)];
    }

    private async Task<List<long>> CommittedOffsetsAsync(string topic, string group, CancellationToken ct)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(_cluster.CreateConsumerConfig(group)).Build();
        await Task.CompletedTask;
        ct.ThrowIfCancellationRequested();
        return [.. consumer.Committed(Enumerable.Range(0, 2).Select(p => new TopicPartition(topic, p)), TimeSpan.FromSeconds(10)).Select(o => o.Offset.Value)];
    }
}
