using System.Reflection;
using KafkaConnector.Security;
using KafkaConnector.Testing;
using Microsoft.AspNetCore.Authentication;
using KafkaConnector.EmbeddedKafka;

namespace ChatDemo;

/// <summary>One node of the chat: Kestrel on its port, channel mode, the dashboard and the admin endpoints.</summary>
internal static class ChatNode
{
    public static WebApplication Build(EmbeddedKafkaCluster broker, string layer, string nodeId, int port, bool verbose)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.TimestampFormat = $"[{nodeId}] ").SetMinimumLevel(verbose ? LogLevel.Information : LogLevel.Error);
        builder.Logging.AddFilter("Microsoft", verbose ? LogLevel.Warning : LogLevel.Error);
        builder.WebHost.UseKestrel().UseUrls($"http://127.0.0.1:{port}");
        builder.Services.AddAuthentication(DemoAuthentication.Name).AddScheme<AuthenticationSchemeOptions, DemoAuthentication>(DemoAuthentication.Name, null);
        builder.Services.AddAuthorization();
        builder.Services.AddKafkaConnector(o =>
            {
                o.Layer = layer;
                o.NodeId = nodeId;
                o.System.MaxConsumerThreads = 2;
                o.System.ReplicationFactor = 1;
                o.Cluster.AnnounceInterval = TimeSpan.FromSeconds(1);
                o.Cluster.MemberTimeout = TimeSpan.FromSeconds(5);
                o.ShutdownTimeout = TimeSpan.FromSeconds(5);
            })
            .UseEmbeddedKafka(broker)
            .AddPermissions(o => o.Rules.Add(new KafkaPermissionRule { Roles = { "demo" }, Actions = { "TopicDescribe", "Consume" }, Resources = { "*" } }))
            .AddKafkaChannels()
            .AddKafkaDashboard();

        var app = builder.Build();
        app.UseWebSockets();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet("/", (HttpContext context) => ChatPageAsync(context, nodeId));
        app.MapKafkaChannels("/ws/chat");
        app.MapKafkaDashboard();
        app.MapKafkaAdmin();
        return app;
    }

    private static async Task ChatPageAsync(HttpContext context, string nodeId)
    {
        await using var page = Assembly.GetExecutingAssembly().GetManifestResourceStream("chat.html")!;
        using var reader = new StreamReader(page);
        context.Response.ContentType = "text/html; charset=utf-8";
        await context.Response.WriteAsync((await reader.ReadToEndAsync()).Replace("{{node}}", nodeId, StringComparison.Ordinal));
    }
}
