using KafkaConnector.Connect;
using Microsoft.Extensions.Logging;

namespace KafkaConnector.Connect.Tests;

public sealed class KafkaConnectLoggingTests : ConnectTestBase
{
    private const string Password = "hunter2-do-not-log";

    private static readonly Dictionary<string, string> ConfigWithPassword = new()
    {
        ["connector.class"] = "JdbcSink",
        ["topics"] = "orders",
        ["connection.password"] = Password,
    };

    [Fact]
    public async Task Each_request_logs_one_debug_line_with_method_path_status_and_elapsed_time()
    {
        await Client.CreateConnectorAsync("orders-sink", ConfigWithPassword, Cancellation);

        var entry = Assert.Single(Logs.Entries, entry => entry.EventId.Id == 4000);
        Assert.Equal(LogLevel.Debug, entry.Level);
        Assert.Matches(@"^Kafka Connect POST connectors answered 201 in \d+(\.\d)? ms$", entry.Message);
    }

    [Fact]
    public async Task A_failed_request_logs_a_warning_with_the_status_and_error_code()
    {
        await Assert.ThrowsAsync<KafkaConnectConnectorNotFoundException>(() => Client.GetConnectorAsync("missing", Cancellation));

        var entry = Assert.Single(Logs.Entries, entry => entry.EventId.Id == 4001);
        Assert.Equal(LogLevel.Warning, entry.Level);
        Assert.Equal("Kafka Connect could not get connector: GET connectors/missing answered 404 (error_code 404)", entry.Message);
    }

    [Fact]
    public async Task Connector_config_values_never_reach_the_logs()
    {
        await Client.CreateConnectorAsync("orders-sink", ConfigWithPassword, Cancellation);
        await Client.GetConnectorAsync("orders-sink", Cancellation);
        await Client.UpdateConnectorConfigAsync("orders-sink", ConfigWithPassword, Cancellation);
        await Assert.ThrowsAsync<KafkaConnectConflictException>(() => Client.CreateConnectorAsync("orders-sink", ConfigWithPassword, Cancellation));

        Assert.NotEmpty(Logs.Entries);
        Assert.DoesNotContain(Logs.Entries, entry => entry.Message.Contains(Password, StringComparison.Ordinal));
    }
}
