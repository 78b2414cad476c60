using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Confluent.Kafka;
using KafkaConnector.Messages;
using KafkaConnector.EmbeddedKafka;
using KafkaConnector.Testing;

namespace KafkaConnector.Tests.Producers;

public sealed class ProduceTests(KafkaFixture fixture)
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(60);
    private readonly KafkaTestCluster _cluster = fixture.Cluster;

    private List<ConsumeResult<byte[], byte[]>> ReadBack(string topic, int count)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(_cluster.CreateConsumerConfig(_cluster.NewGroupId())).Build();
        consumer.Subscribe(topic);
        var results = new List<ConsumeResult<byte[], byte[]>>();
        var deadline = DateTime.UtcNow + WaitLimit;
        while (results.Count < count && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { } r)
            {
                results.Add(r);
            }
        }

        Assert.True(results.Count == count, $"expected {count} messages on {topic}, read {results.Count}");
        return results;
    }

    [Fact]
    public async Task ProduceAsync_ReturnsWhereTheMessageWasWritten_AndItReadsBackIntact()
    {
        var topic = await _cluster.CreateNewTopicAsync("produce-async", 1, TestContext.Current.CancellationToken);
        await using var host = ConnectorHost.Create(_cluster);
        var message = new KafkaMessage(topic, [1, 2, 3], [0, 255, 10, 13]) { Headers = new Headers { { "h", "v"u8.ToArray() } } };

        var result = await host.Api.ProduceAsync(message, TestContext.Current.CancellationToken);

        Assert.True(result.IsSuccess);
        Assert.Equal(PersistenceStatus.Persisted, result.Status);
        Assert.Equal(0, result.Partition);
        Assert.Equal(0, result.Offset);
        var read = Assert.Single(ReadBack(topic, 1));
        Assert.Equal(new byte[] { 1, 2, 3 }, read.Message.Key);
        Assert.Equal(new byte[] { 0, 255, 10, 13 }, read.Message.Value);
        Assert.Equal("v"u8.ToArray(), read.Message.Headers.GetLastBytes("h"));
    }

    [Fact]
    public async Task DeliveryReportFieldsStatusOnly_StillReportsWhereAndWhether()
    {
        var ct = TestContext.Current.CancellationToken;
        var topic = await _cluster.CreateNewTopicAsync("produce-status-only", 1, ct);
        await using var host = ConnectorHost.Create(_cluster, o => o.Producer["dotnet.producer.delivery.report.fields"] = "status");
        await host.Api.ProduceAsync(KafkaMessage.FromText(topic, "k", "first"), ct);

        var result = await host.Api.ProduceAsync(KafkaMessage.FromText(topic, "k", "second"), ct);

        Assert.True(result.IsSuccess);
        Assert.Equal(PersistenceStatus.Persisted, result.Status);
        Assert.Equal(0, result.Partition);
        Assert.Equal(1, result.Offset);
        Assert.Equal("second", result.Message.ValueAsString());
    }

    [Fact]
    public async Task Produce_FireAndForget_Delivers()
    {
        var topic = await _cluster.CreateNewTopicAsync("produce-ff", 2, TestContext.Current.CancellationToken);
        await using var host = ConnectorHost.Create(_cluster);

        for (var i = 0; i < 100; i++)
        {
            host.Api.Enqueue(KafkaMessage.FromText(topic, $"k{i}", $"v{i}"));
        }

        var values = ReadBack(topic, 100).Select(r => System.Text.Encoding.UTF8.GetString(r.Message.Value)).ToHashSet();
        Assert.Equal(Enumerable.Range(0, 100).Select(i => $"v{i}").ToHashSet(), values);
    }

    [Fact]
    public async Task Produce_WithCallback_ReportsEachDelivery()
    {
        var topic = await _cluster.CreateNewTopicAsync("produce-cb", 1, TestContext.Current.CancellationToken);
        await using var host = ConnectorHost.Create(_cluster);
        var results = new ConcurrentBag<KafkaDeliveryResult>();

        for (var i = 0; i < 50; i++)
        {
            host.Api.Enqueue(KafkaMessage.FromText(topic, null, $"v{i}"), results.Add);
        }

        await Eventually.UntilAsync(() => results.Count == 50, WaitLimit, () => $"50 delivery callbacks, got {results.Count}", TestContext.Current.CancellationToken);
        Assert.All(results, r => Assert.True(r.IsSuccess, r.ToString()));
        Assert.Equal(Enumerable.Range(0, 50).Select(i => (long)i), results.Select(r => r.Offset).Order());
    }

    [Fact]
    public async Task Produce_OnAChosenProducer_UsesThatProducer()
    {
        var topic = await _cluster.CreateNewTopicAsync("produce-chosen", 1, TestContext.Current.CancellationToken);
        await using var host = ConnectorHost.Create(_cluster);
        using var producer = host.Api.CreateProducer("chosen-client");
        var delivered = new TaskCompletionSource<KafkaDeliveryResult>();

        host.Api.Enqueue(KafkaMessage.FromText(topic, "k", "on my producer"), producer, r => delivered.TrySetResult(r));
        // Only this producer's queue holds the message until it is flushed.
        Assert.Equal(0, producer.Flush(WaitLimit));

        var result = await delivered.Task.WaitAsync(WaitLimit, TestContext.Current.CancellationToken);
        Assert.True(result.IsSuccess);
        Assert.Contains("chosen-client", producer.Name, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Produce_ToExplicitPartition_WritesThere()
    {
        var topic = await _cluster.CreateNewTopicAsync("produce-part", 3, TestContext.Current.CancellationToken);
        await using var host = ConnectorHost.Create(_cluster);

        var result = await host.Api.ProduceAsync(new KafkaMessage(topic, null, [1]) { Partition = 2 }, TestContext.Current.CancellationToken);

        Assert.Equal(2, result.Partition);
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("slash/topic")]
    [InlineData("..")]
    public async Task Produce_InvalidTopic_ThrowsNamingTheTopic(string topic)
    {
        await using var host = ConnectorHost.Create(_cluster);

        var error = Assert.ThrowsAny<ArgumentException>(() => host.Api.Enqueue(new KafkaMessage(topic, null, [1])));

        Assert.Equal("message.Topic", error.ParamName);
        if (topic.Length > 0)
        {
            Assert.Contains($"'{topic}'", error.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("__consumer_offsets")]
    [InlineData("__transaction_state")]
    public async Task Enqueue_ToAnInternalTopic_IsRefused(string topic)
    {
        await using var host = ConnectorHost.Create(_cluster);

        var error = Assert.Throws<ArgumentException>(() => host.Api.Enqueue(new KafkaMessage(topic, null, [1])));

        Assert.Equal("message.Topic", error.ParamName);
        Assert.Contains($"'{topic}' is one of Kafka's internal topics", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Produce_NegativePartition_ThrowsNamingThePartition()
    {
        await using var host = ConnectorHost.Create(_cluster);

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => host.Api.Enqueue(new KafkaMessage("ok", null, [1]) { Partition = -3 }));

        Assert.Equal("message.Partition", error.ParamName);
    }

    [Fact]
    public async Task DeliveryFailure_BrokerDownBeyondMessageTimeout_ReachesCallbackAndAwaiter_AndIsCounted()
    {
        await using var cluster = EmbeddedKafkaCluster.Start();
        cluster.CreateTopic("outage", 1);
        await using var host = ConnectorHost.Create(cluster.BootstrapServers, configure: o => o.Producer["message.timeout.ms"] = "1500");
        await host.Api.ProduceAsync(KafkaMessage.FromText("outage", null, "warm-up"), TestContext.Current.CancellationToken);
        var failures = 0L;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == KafkaConnectorInfo.Name && instrument.Name == "kafkaconnector.producer.failed")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref failures, value));
        listener.Start();

        cluster.SetBrokerDown(EmbeddedKafkaCluster.AllBrokers);
        var callback = new TaskCompletionSource<KafkaDeliveryResult>();
        host.Api.Enqueue(KafkaMessage.FromText("outage", null, "lost?"), r => callback.TrySetResult(r));
        var awaited = await Assert.ThrowsAsync<KafkaProduceException>(() => host.Api.ProduceAsync(KafkaMessage.FromText("outage", null, "lost too?"), TestContext.Current.CancellationToken));

        var reported = await callback.Task.WaitAsync(WaitLimit, TestContext.Current.CancellationToken);
        Assert.False(reported.IsSuccess);
        Assert.Equal(ErrorCode.Local_MsgTimedOut, reported.Error!.Code);
        Assert.Equal(ErrorCode.Local_MsgTimedOut, awaited.Error.Code);
        Assert.Contains("outage", awaited.Message, StringComparison.Ordinal);
        await Eventually.UntilAsync(() => Interlocked.Read(ref failures) >= 2, WaitLimit, () => $"2 failures counted, saw {failures}", TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task ThrowingCallback_DoesNotBreakLaterDeliveries()
    {
        var topic = await _cluster.CreateNewTopicAsync("produce-throw", 1, TestContext.Current.CancellationToken);
        await using var host = ConnectorHost.Create(_cluster);

        host.Api.Enqueue(KafkaMessage.FromText(topic, null, "first"), _ => throw new InvalidOperationException("callback bug"));
        var second = await host.Api.ProduceAsync(KafkaMessage.FromText(topic, null, "second"), TestContext.Current.CancellationToken);

        Assert.Equal(1, second.Offset);
    }

    [Fact]
    public async Task ConflictingProducerConfiguration_IsRefusedBeforeAnyProducer_WhileAFixedOneWorks()
    {
        // acks=0 with the default idempotence is a conflict librdkafka finds only at client creation:
        // the start-up check creates a scratch client, so the API is never handed out.
        await using var conflicting = ConnectorHost.Create(_cluster, o => o.Producer["acks"] = "0");
        await using var fine = ConnectorHost.Create(_cluster, o =>
        {
            o.Producer["acks"] = "0";
            o.Producer["enable.idempotence"] = "false";
        });

        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => conflicting.Api);

        Assert.Contains("KafkaConnector:Producer: librdkafka refuses this producer configuration", error.Message, StringComparison.Ordinal);
        Assert.Contains("idempotence", error.Message, StringComparison.OrdinalIgnoreCase);
        using var producer = fine.Api.CreateProducer();
        Assert.NotNull(producer);
    }
}
