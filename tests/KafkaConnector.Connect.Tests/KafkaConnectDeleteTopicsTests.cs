using KafkaConnector.Connect;
using Microsoft.Extensions.DependencyInjection;

namespace KafkaConnector.Connect.Tests;

public sealed class KafkaConnectDeleteTopicsTests : ConnectTestBase
{
    private readonly RecordingTopicDeleter _deleter = new();

    [Fact]
    public async Task Deleting_a_sink_with_its_topics_deletes_every_topic_of_the_topics_key()
    {
        Worker.Seed("orders-sink", new Dictionary<string, string> { ["connector.class"] = "FileStreamSink", ["topics"] = "orders, refunds" });

        await Client.DeleteConnectorAsync("orders-sink", deleteTopics: true, Cancellation);

        Assert.False(Worker.Has("orders-sink"));
        Assert.Equal(["orders", "refunds"], _deleter.Deleted);
    }

    [Fact]
    public async Task Deleting_a_source_with_its_topics_deletes_the_topic_of_the_topic_key()
    {
        Worker.Seed("orders-source", new Dictionary<string, string> { ["connector.class"] = "FileStreamSource", ["topic"] = "orders-in" });

        await Client.DeleteConnectorAsync("orders-source", deleteTopics: true, Cancellation);

        Assert.False(Worker.Has("orders-source"));
        Assert.Equal(["orders-in"], _deleter.Deleted);
    }

    [Fact]
    public async Task Deleting_without_the_option_leaves_the_topics_alone()
    {
        Worker.Seed("orders-sink", new Dictionary<string, string> { ["connector.class"] = "FileStreamSink", ["topics"] = "orders" });

        await Client.DeleteConnectorAsync("orders-sink", cancellationToken: Cancellation);

        Assert.False(Worker.Has("orders-sink"));
        Assert.Empty(_deleter.Deleted);
    }

    [Fact]
    public async Task Deleting_a_connector_that_names_no_topic_with_its_topics_throws_and_deletes_nothing()
    {
        Worker.Seed("orders-sink", new Dictionary<string, string> { ["connector.class"] = "FileStreamSink", ["topics.regex"] = "orders-.*" });

        var exception = await ThrowsAsync<InvalidOperationException>(() => Client.DeleteConnectorAsync("orders-sink", deleteTopics: true, Cancellation));

        Assert.Contains("'topic' or 'topics'", exception.Message, StringComparison.Ordinal);
        Assert.True(Worker.Has("orders-sink"));
        Assert.Empty(_deleter.Deleted);
    }

    internal override ServiceProvider BuildServices() =>
        ConnectTestServices.Build(
            options => options.Url = Worker.Url.ToString(),
            services: services => services.AddSingleton<IKafkaConnectTopicDeleter>(_deleter));
}

public sealed class KafkaConnectDeleteTopicsWithoutDeleterTests : ConnectTestBase
{
    [Fact]
    public async Task Deleting_with_topics_but_no_registered_deleter_throws_before_deleting_anything()
    {
        Worker.Seed("orders-sink", new Dictionary<string, string> { ["connector.class"] = "FileStreamSink", ["topics"] = "orders" });

        var exception = await ThrowsAsync<InvalidOperationException>(() => Client.DeleteConnectorAsync("orders-sink", deleteTopics: true, Cancellation));

        Assert.Contains(nameof(IKafkaConnectTopicDeleter), exception.Message, StringComparison.Ordinal);
        Assert.True(Worker.Has("orders-sink"));
        Assert.Empty(Worker.Requests);
    }
}
