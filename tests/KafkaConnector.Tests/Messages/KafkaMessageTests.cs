using KafkaConnector.Messages;
using KafkaConnector.Testing;

namespace KafkaConnector.Tests.Messages;

public sealed class KafkaMessageTests(KafkaFixture fixture)
{
    private readonly KafkaTestCluster _cluster = fixture.Cluster;

    [Fact]
    public void HeaderAsString_WithRepeatedName_ReturnsTheLast_AsItsDocumentationSays()
    {
        var message = new KafkaMessage("t", null, null) { Headers = new Confluent.Kafka.Headers { { "h", "first"u8.ToArray() }, { "h", "last"u8.ToArray() } } };

        Assert.Equal("last", message.HeaderAsString("h"));
        var doc = XmlDocumentation.Summary("M:KafkaConnector.Messages.KafkaMessage.HeaderAsString(System.String)");
        Assert.Contains("The last header", doc, StringComparison.Ordinal);
        Assert.DoesNotContain("first", doc, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeliveryResult_CarriesTheOffset_ItsMessageDoesNot_AsTheDocumentationSays()
    {
        var ct = TestContext.Current.CancellationToken;
        var topic = await _cluster.CreateNewTopicAsync("message-offset", 1, ct);
        await using var host = ConnectorHost.Create(_cluster);

        var result = await host.Api.ProduceAsync(KafkaMessage.FromText(topic, null, "v"), ct);

        Assert.Equal(0, result.Offset);
        Assert.Null(result.Message.Offset);
        var doc = XmlDocumentation.Summary("P:KafkaConnector.Messages.KafkaMessage.Offset");
        Assert.Contains("P:KafkaConnector.Messages.KafkaDeliveryResult.Offset", doc, StringComparison.Ordinal);
        Assert.DoesNotContain("set on receipt and on delivery results", doc, StringComparison.Ordinal);
    }
}
