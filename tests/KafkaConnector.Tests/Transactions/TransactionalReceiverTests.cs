using System.Globalization;
using Confluent.Kafka;
using KafkaConnector.Diagnostics;
using KafkaConnector.EmbeddedKafka;
using KafkaConnector.Receivers;
using KafkaConnector.Testing;
using KafkaConnector.Transactions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace KafkaConnector.Tests.Transactions;

/// <summary>
/// A transactional receiver on a real host and broker: what it writes commits with the offsets it
/// consumed, one transaction per batch; what a failure aborted is never visible; a fenced producer
/// ends the receiver and the liveness check says so. What is visible is decided from the log by
/// kafka-python (<see cref="TransactionOracle"/>): the embedded broker does not filter read_committed fetches.
/// </summary>
public sealed class TransactionalReceiverTests(KafkaFixture fixture)
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(60);
    private readonly KafkaTestCluster _cluster = fixture.Cluster;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task NMessages_BecomeExactlyNCommittedOutputs_ForReadCommittedReaders()
    {
        var (input, output, group) = await TopicsAsync(partitions: 2);
        var written = await ProduceAsync(_cluster, input, 1, 40);

        await using var node = await StartAsync(_cluster, input, group, new TransformSettings(output), r => r.MaxBatchSize = 7);
        var view = await TransactionOracle.UntilAsync(_cluster.BootstrapServers, output, v => v.Committed.Count >= written.Count, WaitLimit, Ct);

        Assert.Equal(Outputs(written), Values(view.Committed));
        Assert.Empty(view.Aborted);
        Assert.Empty(view.Open);
        Assert.Equal(Outputs(written), (await TransactionOracle.KcatReadCommittedAsync(_cluster.BootstrapServers, output, Ct)).Order(StringComparer.Ordinal));
        var status = Status(node);
        Assert.True(status.CommittedTransactions >= 40 / 7, $"one transaction per batch of at most 7 messages: {status.CommittedTransactions} committed");
        Assert.Equal(0, status.AbortedTransactions);
        Assert.Equal($"{group}.a", status.TransactionalId);
        if (!_cluster.IsEmbedded)
        {
            // The embedded broker accepts the offsets sent with a transaction but does not store them.
            Assert.Equal(EndOffsets(input, 2), CommittedOffsets(input, group, 2));
        }
    }

    [Fact]
    public async Task AFailingMessage_AbortsItsTransaction_NothingOfItIsVisible_ThenItIsDeadLetteredOnce()
    {
        var (input, output, group) = await TopicsAsync(partitions: 1);
        var written = await ProduceAsync(_cluster, input, 1, 12);
        var settings = new TransformSettings(output) { Fails = v => v == "7" };

        await using var node = await StartAsync(_cluster, input, group, settings, r =>
        {
            r.MaxBatchSize = 5;
            r.OnError(KafkaErrorPolicy.Retry(1, TimeSpan.FromMilliseconds(20)).ThenDeadLetter());
        });
        var view = await TransactionOracle.UntilAsync(_cluster.BootstrapServers, output, v => v.Committed.Count >= written.Count - 1, WaitLimit, Ct);
        var deadLetters = (await TransactionOracle.ReadAsync(_cluster.BootstrapServers, [input + ".DLT"], Ct))[input + ".DLT"];

        Assert.Equal(Outputs(written.Where(v => v != "7")), Values(view.Committed));
        // Both attempts wrote 6! and 7! before 7 threw: both aborted, neither committed.
        Assert.Equal(["6!", "6!", "7!", "7!"], Values(view.Aborted));
        Assert.Empty(view.Open);
        Assert.Equal(["7"], Values(deadLetters.Committed));
        Assert.Equal(2, settings.Calls.Count(v => v == "7"));
        Assert.Equal(2, Status(node).AbortedTransactions);
        var letter = ReadOne(input + ".DLT", deadLetters.Committed[0].Partition, deadLetters.Committed[0].Offset);
        Assert.Equal(nameof(TransformReceiver), System.Text.Encoding.UTF8.GetString(letter.Message.Headers.GetLastBytes(DeadLetterHeaders.Receiver)));
    }

    [Fact]
    public async Task TheStopPolicy_StopsTheReceiver_CommitsNothingPastTheFailure_AndTheLivenessCheckSaysSo()
    {
        var (input, output, group) = await TopicsAsync(partitions: 1);
        var written = await ProduceAsync(_cluster, input, 1, 6);
        var settings = new TransformSettings(output) { Fails = v => v == "4" };

        await using var node = await StartAsync(_cluster, input, group, settings, r =>
        {
            r.MaxBatchSize = 3;
            r.OnError(KafkaErrorPolicy.Stop());
        }, health: true);
        await Eventually.UntilAsync(() => Status(node).IsStopped, WaitLimit, () => "the receiver stopped by its policy", Ct);
        var view = (await TransactionOracle.ReadAsync(_cluster.BootstrapServers, [output], Ct))[output];
        var liveness = await node.Host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(c => c.Name == "kafka-transactions", Ct);

        Assert.Equal(["1!", "2!", "3!"], Values(view.Committed));
        Assert.Equal(["4!"], Values(view.Aborted));
        Assert.Equal(["1", "2", "3", "4"], settings.Calls);
        Assert.Equal(HealthStatus.Unhealthy, liveness.Status);
        Assert.Contains("TransformReceiver stopped by its error policy", liveness.Entries["kafka-transactions"].Description, StringComparison.Ordinal);
        Assert.Equal(6, written.Count);
    }

    [Fact]
    public async Task AFencedProducer_EndsTheReceiver_CommitsNothingOfItsTransaction_AndTheLivenessCheckSaysSo()
    {
        Assert.SkipUnless(_cluster.IsEmbedded, "injects the broker's answer to EndTxn, which only the embedded broker can");
        // A broker of its own: the injected error goes to the next EndTxn of the whole cluster.
        await using var embedded = EmbeddedKafkaCluster.Start();
        var cluster = KafkaTestCluster.ForEmbedded(embedded);
        var (input, output, group) = (cluster.NewTopicName("txn-in"), cluster.NewTopicName("txn-out"), cluster.NewGroupId("txn"));
        embedded.CreateTopic(input, 1);
        embedded.CreateTopic(output, 1);
        await ProduceAsync(cluster, input, 1, 3);
        embedded.PushRequestErrors(KafkaApiKey.EndTxn, ErrorCode.ProducerFenced);

        await using var node = await StartAsync(cluster, input, group, new TransformSettings(output), health: true);
        await Eventually.UntilAsync(() => Status(node).FatalError is not null, WaitLimit, () => "the receiver failed fatally", Ct);
        var view = (await TransactionOracle.ReadAsync(cluster.BootstrapServers, [output], Ct))[output];
        var liveness = await node.Host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(c => c.Name == "kafka-transactions", Ct);

        Assert.StartsWith(nameof(ErrorCode.Local_Fenced), Status(node).FatalError, StringComparison.Ordinal);
        Assert.True(Status(node).HasEnded);
        Assert.Empty(view.Committed);
        // Never committed: a real broker aborts them when the next incarnation initializes.
        Assert.NotEmpty(view.Open);
        Assert.Subset(new HashSet<string> { "1!", "2!", "3!" }, Values(view.Open).ToHashSet());
        Assert.Equal(HealthStatus.Unhealthy, liveness.Status);
        Assert.Contains("failed fatally", liveness.Entries["kafka-transactions"].Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARestartedNode_FencesItsPreviousIncarnation_AbortsWhatItLeftOpen_AndResumesFromTheOffsetsItsTransactionsCommitted()
    {
        Assert.SkipWhen(
            _cluster.IsEmbedded,
            "needs a real cluster (set KAFKA_BOOTSTRAP_SERVERS): the embedded broker gives every InitProducerId a new producer id, so nothing is fenced, and does not store the offsets sent with a transaction");
        var (input, output, group) = await TopicsAsync(partitions: 1);
        var written = await ProduceAsync(_cluster, input, 1, 30);
        var gate = new TaskCompletionSource();
        var zombieSettings = new TransformSettings(output) { Gate = gate, HangOn = "25" };
        // A consumer stuck in its receiver leaves the group after max.poll.interval.ms: then the new incarnation gets the partition.
        Action<KafkaConnector.Configuration.KafkaConnectorOptions> shortPoll = o => o.Consumer["max.poll.interval.ms"] = "10000";

        await using var zombie = await StartAsync(_cluster, input, group, zombieSettings, r => r.MaxBatchSize = 10, health: true, options: shortPoll);
        var before = await TransactionOracle.UntilAsync(_cluster.BootstrapServers, output, v => v.Committed.Count == 20 && v.Open.Count == 4, WaitLimit, Ct);
        await using var restarted = await StartAsync(_cluster, input, group, new TransformSettings(output), r => r.MaxBatchSize = 10, options: shortPoll);
        await Eventually.UntilAsync(() => Status(restarted).IsReady, WaitLimit, () => "the new incarnation registered its transactional.id", Ct);
        gate.SetResult(); // the zombie goes on: its next request to the broker finds it fenced
        var after = await TransactionOracle.UntilAsync(_cluster.BootstrapServers, output, v => v.Committed.Count >= written.Count, TimeSpan.FromSeconds(90), Ct);
        await Eventually.UntilAsync(() => Status(zombie).FatalError is not null, WaitLimit, () => "the zombie failed fatally", Ct);

        Assert.Equal(Outputs(written), Values(after.Committed));
        Assert.Equal(["21!", "22!", "23!", "24!"], Values(before.Open));
        Assert.Empty(after.Open);
        Assert.StartsWith(nameof(ErrorCode.Local_Fenced), Status(zombie).FatalError, StringComparison.Ordinal);
        Assert.Equal(["21", "22", "23", "24", "25", "26", "27", "28", "29", "30"], restartedCalls(restarted));

        static List<string> restartedCalls(NodeHost node) => [.. node.Host.Services.GetRequiredService<TransformSettings>().Calls];
    }

    internal static async Task<NodeHost> StartAsync(
        KafkaTestCluster cluster,
        string input,
        string group,
        TransformSettings settings,
        Action<KafkaTransactionalReceiverOptions>? configure = null,
        bool health = false,
        Action<KafkaConnector.Configuration.KafkaConnectorOptions>? options = null) =>
        await NodeHost.StartAsync(
            cluster,
            NodeHost.NewLayer(),
            "a",
            build: b =>
            {
                b.AddTransactionalReceiver<TransformReceiver>(input, group, configure);
                if (health)
                {
                    b.AddKafkaHealthChecks();
                }
            },
            configure: o =>
            {
                o.Consumer["auto.offset.reset"] = "earliest";
                options?.Invoke(o);
            },
            services: s => s.AddSingleton(settings));

    internal static async Task<List<string>> ProduceAsync(KafkaTestCluster cluster, string topic, int first, int count)
    {
        using var producer = new ProducerBuilder<string, string>(cluster.CreateProducerConfig()).Build();
        var values = Enumerable.Range(first, count).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToList();
        foreach (var value in values)
        {
            await producer.ProduceAsync(topic, new Message<string, string> { Key = "k" + (int.Parse(value, CultureInfo.InvariantCulture) % 4), Value = value }, Ct);
        }

        return values;
    }

    private static KafkaTransactionalReceiverStatus Status(NodeHost node) =>
        Assert.Single(node.Host.Services.GetRequiredService<IKafkaTransactionalStatus>().GetTransactionalReceivers());

    private static List<string> Outputs(IEnumerable<string> inputs) => [.. inputs.Select(v => v + "!").Order(StringComparer.Ordinal)];

    private static List<string> Values(IEnumerable<LogRecord> records) => [.. records.Select(r => r.Value!).Order(StringComparer.Ordinal)];

    private async Task<(string Input, string Output, string Group)> TopicsAsync(int partitions) =>
        (await _cluster.CreateNewTopicAsync("txn-in", partitions, Ct), await _cluster.CreateNewTopicAsync("txn-out", partitions, Ct), _cluster.NewGroupId("txn"));

    private ConsumeResult<byte[], byte[]> ReadOne(string topic, int partition, long offset)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(_cluster.CreateConsumerConfig(_cluster.NewGroupId())).Build();
        consumer.Assign(new TopicPartitionOffset(topic, partition, offset));
        return consumer.Consume(WaitLimit) ?? throw new TimeoutException($"nothing on {topic}");
    }

    private List<long> EndOffsets(string topic, int partitions)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(_cluster.CreateConsumerConfig(_cluster.NewGroupId())).Build();
        return [.. Enumerable.Range(0, partitions).Select(p => consumer.QueryWatermarkOffsets(new TopicPartition(topic, p), TimeSpan.FromSeconds(10)).High.Value)];
    }

    private List<long> CommittedOffsets(string topic, string group, int partitions)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(_cluster.CreateConsumerConfig(group)).Build();
        return [.. consumer.Committed(Enumerable.Range(0, partitions).Select(p => new TopicPartition(topic, p)), TimeSpan.FromSeconds(10)).Select(o => o.Offset.Value)];
    }
}
