using System.Net;
using System.Net.Sockets;
using System.Text;
using KafkaConnector.Connect;
using Microsoft.Extensions.DependencyInjection;

namespace KafkaConnector.Connect.Tests;

public sealed class KafkaConnectCredentialsTests : ConnectTestBase
{
    private const string Secret = "s3cret-pa55";

    [Fact]
    public async Task Credentials_in_the_url_are_sent_as_basic_authentication_not_in_the_request_url()
    {
        await Client.ListConnectorsAsync(Cancellation);

        var (_, target, authorization) = Assert.Single(Worker.Requests);
        Assert.Equal("/connectors", target);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"admin:{Secret}")), authorization);
    }

    [Fact]
    public async Task Error_messages_and_logs_never_contain_the_password_of_the_url()
    {
        await Assert.ThrowsAsync<KafkaConnectConnectorNotFoundException>(() => Client.GetConnectorAsync("missing", Cancellation));

        using var closed = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        closed.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var logs = new LogCapture();
        await using var services = ConnectTestServices.Build(
            options => options.Url = $"http://admin:{Secret}@127.0.0.1:{((IPEndPoint)closed.LocalEndPoint!).Port}/",
            logs: logs);
        var exception = await ThrowsAsync<KafkaConnectException>(() => services.GetRequiredService<IKafkaConnectClient>().ListConnectorsAsync(Cancellation));

        Assert.DoesNotContain(Secret, exception.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Logs.Entries.Concat(logs.Entries), entry => (entry.Message + entry.Exception).Contains(Secret, StringComparison.Ordinal));
        Assert.Contains(logs.Entries, entry => entry.EventId.Id == 4003);
    }

    [Theory]
    [InlineData("http://admin:s3cret@connect:8083/path", "http://***@connect:8083/path")]
    [InlineData("admin:s3cret@localhost:8083", "***@localhost:8083")]
    [InlineData("https://user@connect", "https://***@connect")]
    [InlineData("http://connect:8083/?q=a@b", "http://connect:8083/?q=a@b")]
    [InlineData("localhost:8083", "localhost:8083")]
    [InlineData("/connectors", "/connectors")]
    [InlineData("", "")]
    public void Redact_masks_user_information_even_in_malformed_urls(string url, string redacted) =>
        Assert.Equal(redacted, KafkaConnectUrl.Redact(url));

    [Theory]
    [InlineData("http://admin:s3cret@connect:8083", "http://connect:8083/")]
    [InlineData("https://gateway/kafka-connect", "https://gateway/kafka-connect/")]
    public void BaseAddress_drops_user_information_and_keeps_a_path_prefix(string url, string baseAddress) =>
        Assert.Equal(new Uri(baseAddress), KafkaConnectUrl.BaseAddress(new Uri(url)));

    internal override ServiceProvider BuildServices()
    {
        var url = new UriBuilder(Worker.Url) { UserName = "admin", Password = Secret };
        return ConnectTestServices.Build(options => options.Url = url.ToString(), logs: Logs);
    }
}
