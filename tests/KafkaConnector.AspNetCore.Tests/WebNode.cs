using KafkaConnector.Security;
using KafkaConnector.Testing;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KafkaConnector.AspNetCore.Tests;

/// <summary>
/// A cluster node as a real Kestrel server on 127.0.0.1 (a free port): test authentication, the
/// connector on the test cluster with short timings, and rules that allow role <c>kafka</c> everything.
/// </summary>
internal sealed class WebNode : IAsyncDisposable
{
    private WebNode(WebApplication app, Uri address)
    {
        App = app;
        Address = address;
    }

    public WebApplication App { get; }

    public Uri Address { get; }

    public IServiceProvider Services => App.Services;

    public Uri WebSocketUri(string path, string? user, string? roles = null)
    {
        var query = user is null ? "" : (path.Contains('?', StringComparison.Ordinal) ? "&" : "?") + $"user={Uri.EscapeDataString(user)}" + (roles is null ? "" : $"&roles={Uri.EscapeDataString(roles)}");
        return new Uri($"ws://{Address.Authority}{path}{query}");
    }

    public HttpClient Client(string? user, string? roles = null)
    {
        var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(60) };
        if (user is not null)
        {
            client.DefaultRequestHeaders.Add("X-User", user);
        }

        if (roles is not null)
        {
            client.DefaultRequestHeaders.Add("X-Roles", roles);
        }

        return client;
    }

    public static string NewLayer() => "w" + Guid.NewGuid().ToString("N")[..10];

    public static async Task<WebNode> StartAsync(
        KafkaTestCluster cluster,
        Action<WebApplication> map,
        Action<IKafkaConnectorBuilder>? build = null,
        string? layer = null,
        string nodeId = "n1",
        Action<KafkaPermissionOptions>? permissions = null,
        LogCapture? logs = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        if (logs is not null)
        {
            builder.Logging.AddProvider(logs).SetMinimumLevel(LogLevel.Debug);
        }

        if (Environment.GetEnvironmentVariable("KAFKACONNECTOR_TEST_LOGS") == "1")
        {
            builder.Logging.AddSimpleConsole(o => o.TimestampFormat = $"HH:mm:ss.fff [{nodeId}] ").SetMinimumLevel(LogLevel.Debug);
        }

        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Services.AddAuthentication(TestAuthentication.Name).AddScheme<AuthenticationSchemeOptions, TestAuthentication>(TestAuthentication.Name, null);
        builder.Services.AddAuthorization();
        var connector = builder.Services.AddKafkaConnector(o =>
        {
            o.All["bootstrap.servers"] = cluster.BootstrapServers;
            o.Layer = layer ?? NewLayer();
            o.NodeId = nodeId;
            o.Consumer["session.timeout.ms"] = cluster.IsEmbedded ? "2000" : "6000";
            o.Consumer["heartbeat.interval.ms"] = cluster.IsEmbedded ? "300" : "1000";
            o.Consumer["topic.metadata.refresh.interval.ms"] = "1000";
            o.Consumer["fetch.queue.backoff.ms"] = "10";
            o.System.MaxConsumerThreads = 2;
            o.System.PollInterval = TimeSpan.FromMilliseconds(100);
            o.System.ReplicationFactor = 1;
            o.Dispatch.CommitInterval = TimeSpan.FromMilliseconds(200);
            o.Dispatch.RetryBackoff = TimeSpan.FromMilliseconds(20);
            o.Cluster.AnnounceInterval = TimeSpan.FromMilliseconds(500);
            o.Cluster.MemberTimeout = TimeSpan.FromSeconds(3);
            o.ShutdownTimeout = TimeSpan.FromSeconds(5);
        });
        if (cluster.Embedded is { } embedded)
        {
            connector.UseEmbeddedKafka(embedded);
        }

        connector.AddPermissions(o =>
        {
            o.Rules.Add(new KafkaPermissionRule { Roles = { "kafka" }, Actions = { "*" }, Resources = { "*" } });
            permissions?.Invoke(o);
        });
        build?.Invoke(connector);
        var app = builder.Build();
        app.UseWebSockets();
        app.UseAuthentication();
        app.UseAuthorization();
        map(app);
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return new WebNode(app, address);
    }

    private Task? _stopping;

    /// <summary>Stops the host once (a second host stop would reach the disposed connector).</summary>
    public Task StopAsync() => _stopping ??= App.StopAsync(CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await App.DisposeAsync();
    }
}
