using KafkaConnector.Connect;

namespace KafkaConnector.Connect.Tests;

public sealed class KafkaConnectClientTests : ConnectTestBase
{
    private static readonly Dictionary<string, string> SinkConfig = new()
    {
        ["connector.class"] = "org.apache.kafka.connect.file.FileStreamSinkConnector",
        ["tasks.max"] = "2",
        ["topics"] = "orders",
        ["file"] = "/tmp/orders.txt",
    };

    [Fact]
    public async Task ListConnectorsAsync_returns_the_names_of_the_workers_connectors()
    {
        Worker.Seed("b-sink", SinkConfig);
        Worker.Seed("a-sink", SinkConfig);

        var names = await Client.ListConnectorsAsync(Cancellation);

        Assert.Equal(["a-sink", "b-sink"], names);
        Assert.Equal(("GET", "/connectors"), Last());
    }

    [Fact]
    public async Task ListConnectorsAsync_returns_an_empty_list_when_there_are_no_connectors()
    {
        var names = await Client.ListConnectorsAsync(Cancellation);

        Assert.Empty(names);
    }

    [Fact]
    public async Task CreateConnectorAsync_posts_name_and_config_and_returns_the_created_connector()
    {
        var info = await Client.CreateConnectorAsync("orders-sink", SinkConfig, Cancellation);

        Assert.True(Worker.Has("orders-sink"));
        Assert.Equal(("POST", "/connectors"), Last());
        Assert.Equal("orders-sink", info.Name);
        Assert.Equal("sink", info.Type);
        Assert.Equal("orders", info.Config["topics"]);
        Assert.Equal("orders-sink", info.Config["name"]);
        Assert.Equal([new KafkaConnectTaskId { Connector = "orders-sink", Task = 0 }, new KafkaConnectTaskId { Connector = "orders-sink", Task = 1 }], info.Tasks);
    }

    [Fact]
    public async Task GetConnectorAsync_returns_config_tasks_and_type()
    {
        Worker.Seed("orders-sink", SinkConfig);

        var info = await Client.GetConnectorAsync("orders-sink", Cancellation);

        Assert.Equal(("GET", "/connectors/orders-sink"), Last());
        Assert.Equal("orders-sink", info.Name);
        Assert.Equal("/tmp/orders.txt", info.Config["file"]);
        Assert.Equal(2, info.Tasks.Count);
        Assert.Equal("sink", info.Type);
    }

    [Fact]
    public async Task GetConnectorAsync_escapes_the_connector_name_in_the_path()
    {
        Worker.Seed("orders sink", SinkConfig);

        var info = await Client.GetConnectorAsync("orders sink", Cancellation);

        Assert.Equal("orders sink", info.Name);
        Assert.Equal(("GET", "/connectors/orders%20sink"), Last());
    }

    [Fact]
    public async Task UpdateConnectorConfigAsync_puts_the_whole_config_and_returns_the_updated_connector()
    {
        Worker.Seed("orders-sink", SinkConfig);
        var changed = new Dictionary<string, string>(SinkConfig) { ["tasks.max"] = "3", ["file"] = "/tmp/other.txt" };

        var info = await Client.UpdateConnectorConfigAsync("orders-sink", changed, Cancellation);

        Assert.Equal(("PUT", "/connectors/orders-sink/config"), Last());
        Assert.Equal("/tmp/other.txt", info.Config["file"]);
        Assert.Equal(3, info.Tasks.Count);
        Assert.Equal("/tmp/other.txt", (await Client.GetConnectorAsync("orders-sink", Cancellation)).Config["file"]);
    }

    [Fact]
    public async Task UpdateConnectorConfigAsync_creates_a_missing_connector_as_connect_does()
    {
        var info = await Client.UpdateConnectorConfigAsync("orders-sink", SinkConfig, Cancellation);

        Assert.Equal("orders-sink", info.Name);
        Assert.True(Worker.Has("orders-sink"));
    }

    [Fact]
    public async Task DeleteConnectorAsync_deletes_the_connector()
    {
        Worker.Seed("orders-sink", SinkConfig);

        await Client.DeleteConnectorAsync("orders-sink", cancellationToken: Cancellation);

        Assert.False(Worker.Has("orders-sink"));
        Assert.Equal(("DELETE", "/connectors/orders-sink"), Last());
    }

    [Fact]
    public async Task GetConnectorStatusAsync_returns_connector_and_task_states_with_worker_and_trace()
    {
        Worker.Seed("orders-sink", SinkConfig);
        Worker.FailTask("orders-sink", 1, "org.apache.kafka.connect.errors.ConnectException: disk full");

        var status = await Client.GetConnectorStatusAsync("orders-sink", Cancellation);

        Assert.Equal(("GET", "/connectors/orders-sink/status"), Last());
        Assert.Equal("orders-sink", status.Name);
        Assert.Equal("sink", status.Type);
        Assert.Equal("RUNNING", status.Connector.State);
        Assert.Equal(FakeConnectWorker.WorkerId, status.Connector.WorkerId);
        Assert.Null(status.Connector.Trace);
        Assert.Collection(
            status.Tasks,
            task => Assert.Equal((0, "RUNNING", FakeConnectWorker.WorkerId, (string?)null), (task.Id, task.State, task.WorkerId, task.Trace)),
            task => Assert.Equal((1, "FAILED", FakeConnectWorker.WorkerId, "org.apache.kafka.connect.errors.ConnectException: disk full"), (task.Id, task.State, task.WorkerId, task.Trace)));
    }

    [Fact]
    public async Task PauseConnectorAsync_pauses_the_connector_and_its_tasks()
    {
        Worker.Seed("orders-sink", SinkConfig);

        await Client.PauseConnectorAsync("orders-sink", Cancellation);

        Assert.Equal(("PUT", "/connectors/orders-sink/pause"), Last());
        var status = await Client.GetConnectorStatusAsync("orders-sink", Cancellation);
        Assert.Equal("PAUSED", status.Connector.State);
        Assert.All(status.Tasks, task => Assert.Equal("PAUSED", task.State));
    }

    [Fact]
    public async Task ResumeConnectorAsync_resumes_a_paused_connector()
    {
        Worker.Seed("orders-sink", SinkConfig);
        await Client.PauseConnectorAsync("orders-sink", Cancellation);

        await Client.ResumeConnectorAsync("orders-sink", Cancellation);

        Assert.Equal(("PUT", "/connectors/orders-sink/resume"), Last());
        var status = await Client.GetConnectorStatusAsync("orders-sink", Cancellation);
        Assert.Equal("RUNNING", status.Connector.State);
        Assert.All(status.Tasks, task => Assert.Equal("RUNNING", task.State));
    }

    [Fact]
    public async Task RestartConnectorAsync_without_options_restarts_only_the_connector_and_returns_null()
    {
        Worker.Seed("orders-sink", SinkConfig);

        var status = await Client.RestartConnectorAsync("orders-sink", cancellationToken: Cancellation);

        Assert.Null(status);
        Assert.Equal(("POST", "/connectors/orders-sink/restart"), Last());
    }

    [Fact]
    public async Task RestartConnectorAsync_with_tasks_and_only_failed_returns_the_instances_being_restarted()
    {
        Worker.Seed("orders-sink", SinkConfig);
        Worker.FailTask("orders-sink", 1, "java.lang.IllegalStateException");

        var status = await Client.RestartConnectorAsync("orders-sink", includeTasks: true, onlyFailed: true, Cancellation);

        Assert.Equal(("POST", "/connectors/orders-sink/restart?includeTasks=true&onlyFailed=true"), Last());
        Assert.NotNull(status);
        Assert.Equal("RUNNING", status.Connector.State);
        Assert.Equal(["RUNNING", "RESTARTING"], status.Tasks.Select(task => task.State));
        Assert.All((await Client.GetConnectorStatusAsync("orders-sink", Cancellation)).Tasks, task => Assert.Equal("RUNNING", task.State));
    }

    [Fact]
    public async Task RestartConnectorAsync_with_tasks_restarts_every_instance()
    {
        Worker.Seed("orders-sink", SinkConfig);

        var status = await Client.RestartConnectorAsync("orders-sink", includeTasks: true, cancellationToken: Cancellation);

        Assert.Equal(("POST", "/connectors/orders-sink/restart?includeTasks=true&onlyFailed=false"), Last());
        Assert.NotNull(status);
        Assert.Equal("RESTARTING", status.Connector.State);
        Assert.All(status.Tasks, task => Assert.Equal("RESTARTING", task.State));
    }

    private (string Method, string Target) Last()
    {
        var (method, target, _) = Worker.Requests.Last();
        return (method, target);
    }
}
