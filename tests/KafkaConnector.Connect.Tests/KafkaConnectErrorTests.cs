using System.Net;
using System.Net.Sockets;
using System.Text;
using KafkaConnector.Connect;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KafkaConnector.Connect.Tests;

public sealed class KafkaConnectErrorTests : ConnectTestBase
{
    private static readonly Dictionary<string, string> Config = new() { ["connector.class"] = "FileStreamSink", ["topics"] = "orders" };

    [Fact]
    public async Task Unknown_connector_throws_not_found_with_status_error_code_operation_and_name()
    {
        var exception = await ThrowsAsync<KafkaConnectConnectorNotFoundException>(() => Client.GetConnectorStatusAsync("missing", Cancellation));

        Assert.Equal(HttpStatusCode.NotFound, exception.StatusCode);
        Assert.Equal(404, exception.ErrorCode);
        Assert.Equal("get status of connector", exception.Operation);
        Assert.Equal("missing", exception.ConnectorName);
        Assert.Contains("Connector missing not found", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("pause")]
    [InlineData("resume")]
    [InlineData("restart")]
    [InlineData("delete")]
    [InlineData("get")]
    public async Task Every_operation_on_an_unknown_connector_throws_not_found(string operation)
    {
        Func<Task> call = operation switch
        {
            "pause" => () => Client.PauseConnectorAsync("missing", Cancellation),
            "resume" => () => Client.ResumeConnectorAsync("missing", Cancellation),
            "restart" => () => Client.RestartConnectorAsync("missing", cancellationToken: Cancellation),
            "delete" => () => Client.DeleteConnectorAsync("missing", cancellationToken: Cancellation),
            _ => () => Client.GetConnectorAsync("missing", Cancellation),
        };

        var exception = await ThrowsAsync<KafkaConnectConnectorNotFoundException>(call);

        Assert.Equal("missing", exception.ConnectorName);
    }

    [Fact]
    public async Task Creating_an_existing_connector_throws_conflict()
    {
        Worker.Seed("orders-sink", Config);

        var exception = await ThrowsAsync<KafkaConnectConflictException>(() => Client.CreateConnectorAsync("orders-sink", Config, Cancellation));

        Assert.Equal(HttpStatusCode.Conflict, exception.StatusCode);
        Assert.Equal(409, exception.ErrorCode);
        Assert.Equal("create connector", exception.Operation);
        Assert.Equal("orders-sink", exception.ConnectorName);
        Assert.Contains("Connector orders-sink already exists", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rebalance_in_progress_throws_conflict_with_connects_message()
    {
        Worker.InterceptNext(context => Respond(context, 409, "application/json",
            """{"error_code":409,"message":"Cannot complete request momentarily due to stale configuration (typically caused by a concurrent config change)"}"""));

        var exception = await ThrowsAsync<KafkaConnectConflictException>(() => Client.ListConnectorsAsync(Cancellation));

        Assert.Null(exception.ConnectorName);
        Assert.Equal("list connectors", exception.Operation);
        Assert.Contains("stale configuration", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Server_error_with_connects_json_body_throws_KafkaConnectException_with_its_error_code_and_message()
    {
        Worker.InterceptNext(context => Respond(context, 500, "application/json", """{"error_code":500,"message":"Request timed out"}"""));

        var exception = await ThrowsAsync<KafkaConnectException>(() => Client.GetConnectorAsync("orders-sink", Cancellation));

        Assert.Equal(HttpStatusCode.InternalServerError, exception.StatusCode);
        Assert.Equal(500, exception.ErrorCode);
        Assert.Equal("orders-sink", exception.ConnectorName);
        Assert.Contains("500", exception.Message, StringComparison.Ordinal);
        Assert.Contains("Request timed out", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Server_error_with_a_non_json_body_throws_KafkaConnectException_with_the_status_and_an_excerpt()
    {
        Worker.InterceptNext(context => Respond(context, 500, "text/html", "<html><body>\n<h1>502 Bad Gateway</h1>\n</body></html>"));

        var exception = await ThrowsAsync<KafkaConnectException>(() => Client.PauseConnectorAsync("orders-sink", Cancellation));

        Assert.Equal(HttpStatusCode.InternalServerError, exception.StatusCode);
        Assert.Null(exception.ErrorCode);
        Assert.Equal("pause connector", exception.Operation);
        Assert.Contains("answered 500", exception.Message, StringComparison.Ordinal);
        Assert.Contains("<h1>502 Bad Gateway</h1>", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Success_status_without_the_expected_body_throws_KafkaConnectException()
    {
        Worker.InterceptNext(context => Respond(context, 200, "text/plain", "not json"));

        var exception = await ThrowsAsync<KafkaConnectException>(() => Client.GetConnectorAsync("orders-sink", Cancellation));

        Assert.Equal(HttpStatusCode.OK, exception.StatusCode);
        Assert.Contains("without the expected JSON body", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connection_failure_throws_KafkaConnectException_without_status_and_with_the_cause()
    {
        // A bound socket that does not listen refuses connections for as long as it is held.
        using var closed = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        closed.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        await using var services = ConnectTestServices.Build(options => options.Url = $"http://127.0.0.1:{((IPEndPoint)closed.LocalEndPoint!).Port}");
        var client = services.GetRequiredService<IKafkaConnectClient>();

        var exception = await ThrowsAsync<KafkaConnectException>(() => client.ListConnectorsAsync(Cancellation));

        Assert.Null(exception.StatusCode);
        Assert.IsType<HttpRequestException>(exception.InnerException);
        Assert.Contains("list connectors", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancelling_the_callers_token_throws_OperationCanceledException_rather_than_a_timeout()
    {
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        Worker.InterceptNext(async context =>
        {
            await cancellation.CancelAsync();
            await WaitForAbortAsync(context);
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Client.ListConnectorsAsync(cancellation.Token).WaitAsync(TimeSpan.FromSeconds(30), Cancellation));
    }

    internal static Task Respond(HttpContext context, int status, string contentType, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        return context.Response.WriteAsync(body, Encoding.UTF8);
    }

    /// <summary>Holds the request open until the client gives up on it.</summary>
    internal static async Task WaitForAbortAsync(HttpContext context)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
        }
    }
}

public sealed class KafkaConnectTimeoutTests : ConnectTestBase
{
    private static readonly TimeSpan ShortTimeout = TimeSpan.FromMilliseconds(200);

    [Fact]
    public async Task A_worker_slower_than_the_timeout_throws_KafkaConnectException_naming_the_timeout_and_its_key()
    {
        Worker.InterceptNext(KafkaConnectErrorTests.WaitForAbortAsync);

        var exception = await ThrowsAsync<KafkaConnectException>(() => Client.GetConnectorAsync("orders-sink", Cancellation));

        Assert.Null(exception.StatusCode);
        Assert.Equal("get connector", exception.Operation);
        Assert.Contains("timed out after 00:00:00.2000000", exception.Message, StringComparison.Ordinal);
        Assert.Contains("KafkaConnector:Connect:Timeout", exception.Message, StringComparison.Ordinal);
        Assert.Contains(Logs.Entries, entry => entry.EventId.Id == 4002 && entry.Level == LogLevel.Warning);
    }

    internal override ServiceProvider BuildServices() =>
        ConnectTestServices.Build(
            options =>
            {
                options.Url = Worker.Url.ToString();
                options.Timeout = ShortTimeout;
            },
            logs: Logs);
}
