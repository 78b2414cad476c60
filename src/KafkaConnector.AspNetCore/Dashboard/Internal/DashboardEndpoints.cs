using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace KafkaConnector.AspNetCore.Dashboard.Internal;

/// <summary>The dashboard's page, its assets (embedded in this assembly) and its event stream.</summary>
internal static class DashboardEndpoints
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private static readonly Dictionary<string, string> Assets = new(StringComparer.Ordinal)
    {
        ["index.html"] = "text/html; charset=utf-8",
        ["app.js"] = "text/javascript; charset=utf-8",
        ["app.css"] = "text/css; charset=utf-8",
    };

    public static void Map(RouteGroupBuilder group)
    {
        group.MapGet("/", (HttpContext c) => c.Request.Path.Value!.EndsWith('/')
            ? AssetAsync(c, "index.html")
            : Redirect(c)).ExcludeFromDescription(); // relative asset URLs need the trailing slash
        group.MapGet("/{asset}", (HttpContext c, string asset) => AssetAsync(c, asset)).ExcludeFromDescription();
        group.MapGet("/events", EventsAsync).ExcludeFromDescription();
    }

    private static Task Redirect(HttpContext context)
    {
        context.Response.Redirect($"{context.Request.PathBase}{context.Request.Path}/{context.Request.QueryString}");
        return Task.CompletedTask;
    }

    private static async Task AssetAsync(HttpContext context, string asset)
    {
        if (!Assets.TryGetValue(asset, out var type) || typeof(DashboardEndpoints).Assembly.GetManifestResourceStream($"KafkaConnector.AspNetCore.Dashboard.{asset}") is not { } stream)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        await using (stream.ConfigureAwait(false))
        {
            context.Response.ContentType = type;
            context.Response.Headers.CacheControl = "no-cache";
            context.Response.Headers.ContentSecurityPolicy = "default-src 'self'"; // nothing from elsewhere: it runs in closed networks
            await stream.CopyToAsync(context.Response.Body, context.RequestAborted).ConfigureAwait(false);
        }
    }

    /// <summary>Server-sent events: one <c>snapshot</c> event per second until the client goes away.</summary>
    private static async Task EventsAsync(HttpContext context)
    {
        var feed = context.RequestServices.GetService<DashboardFeed>()
            ?? throw new InvalidOperationException("The dashboard is not registered: call AddKafkaDashboard() on the connector's builder.");
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        var ct = context.RequestAborted;
        using var timer = new PeriodicTimer(Interval);
        try
        {
            do
            {
                var json = JsonSerializer.Serialize(feed.Snapshot(), JsonSerializerOptions.Web);
                await context.Response.WriteAsync($"event: snapshot\ndata: {json}\n\n", ct).ConfigureAwait(false);
                await context.Response.Body.FlushAsync(ct).ConfigureAwait(false);
            }
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }
}
