using System.Net;
using KafkaConnector.Messages;
using KafkaConnector.Receivers;
using KafkaConnector.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace KafkaConnector.AspNetCore.Tests.Dashboard;

/// <summary>Throws on the value "boom", so that its message is retried and dead-lettered.</summary>
internal sealed class OrderReceiver : IKafkaMessageReceiver
{
    public Task ReceiveAsync(KafkaMessage message, CancellationToken cancellationToken) =>
        message.ValueAsString() == "boom" ? throw new InvalidOperationException("cannot process order") : Task.CompletedTask;
}

public sealed class DashboardTests(KafkaFixture fixture)
{
    private static readonly float WaitMs = 60_000;
    private readonly KafkaTestCluster _cluster = fixture.Cluster;

    private Task<WebNode> StartAsync(string layer, string nodeId, string? orders = null) =>
        WebNode.StartAsync(
            _cluster,
            app => app.MapKafkaDashboard(),
            build: b =>
            {
                b.AddKafkaDashboard();
                if (orders is not null)
                {
                    b.AddReceiver<OrderReceiver>(orders);
                }
            },
            layer: layer,
            nodeId: nodeId);

    [Fact]
    public async Task The_page_and_its_assets_come_from_the_module_and_need_an_authenticated_user()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var node = await StartAsync(WebNode.NewLayer(), "a");
        using var user = node.Client("alice");
        using var anonymous = node.Client(null);

        using var page = await user.GetAsync("/kafka/dashboard/", ct);
        var html = await page.Content.ReadAsStringAsync(ct);
        Assert.Contains("app.js", html, StringComparison.Ordinal);
        Assert.Equal("default-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single());
        foreach (var asset in new[] { "index.html", "app.js", "app.css" })
        {
            var text = await user.GetStringAsync($"/kafka/dashboard/{(asset == "index.html" ? "" : asset)}", ct);
            Assert.DoesNotContain("http:", text, StringComparison.OrdinalIgnoreCase); // no CDN: every asset is served here
            Assert.DoesNotContain("https:", text, StringComparison.OrdinalIgnoreCase);
        }

        Assert.Contains("EventSource", await user.GetStringAsync("/kafka/dashboard/app.js", ct), StringComparison.Ordinal);
        using var redirect = await user.GetAsync("/kafka/dashboard", ct);
        Assert.Equal("/kafka/dashboard/", redirect.RequestMessage!.RequestUri!.AbsolutePath);
        using var missing = await user.GetAsync("/kafka/dashboard/nothing.js", ct);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        using var refused = await anonymous.GetAsync("/kafka/dashboard/", ct);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task Headless_chromium_sees_a_member_join_and_leave_and_message_counts_move()
    {
        var layer = WebNode.NewLayer();
        var orders = await _cluster.CreateNewTopicAsync("dash-orders", cancellationToken: TestContext.Current.CancellationToken);
        await using var a = await StartAsync(layer, "a", orders);
        await using var browser = await Browser.LaunchAsync(new Dictionary<string, string> { ["X-User"] = "ops" });
        var page = await browser.Context.NewPageAsync();
        await page.GotoAsync(new Uri(a.Address, "/kafka/dashboard").ToString());
        await page.WaitForSelectorAsync("#status.live", new() { Timeout = WaitMs });
        await WaitForTextAsync(page, "#members", "a (");

        // Node b joins, then leaves.
        var b = await StartAsync(layer, "b");
        await WaitForTextAsync(page, "#members", "b (");
        await WaitForTextAsync(page, "#member-events", "b joined");
        await b.DisposeAsync();
        await WaitForTextAsync(page, "#member-events", "b left");
        await page.WaitForFunctionAsync("() => !document.querySelector('#members').textContent.includes('b (')", null, new() { Timeout = WaitMs });

        // Orders flow through the receiver; one is dead-lettered. The counts on the page move.
        var api = a.Services.GetRequiredService<IKafkaConnectorSystemApi>();
        foreach (var value in new[] { "o-1", "o-2", "boom", "o-3", "o-4" })
        {
            await api.ProduceAsync(KafkaMessage.FromText(orders, value, value), TestContext.Current.CancellationToken);
        }

        await page.WaitForFunctionAsync(
            "() => [...document.querySelectorAll('#receivers tbody tr')].some(r => r.cells[0].textContent === 'OrderReceiver' && Number(r.cells[1].textContent) >= 4 && Number(r.cells[5].textContent) >= 1)",
            null, new() { Timeout = WaitMs });
        await page.WaitForFunctionAsync(
            $"() => [...document.querySelectorAll('#topics tbody tr')].some(r => r.cells[0].textContent === '{orders}' && Number(r.cells[2].textContent) >= 4)",
            null, new() { Timeout = WaitMs });
        await WaitForTextAsync(page, "#dead-letters", "cannot process order");
        await page.ScreenshotAsync(new() { Path = Browser.ArtifactPath("dashboard.png"), FullPage = true });
    }

    [Fact]
    public async Task Headless_chromium_shows_each_receivers_state_group_partitions_and_last_error_live()
    {
        var ct = TestContext.Current.CancellationToken;
        var orders = await _cluster.CreateNewTopicAsync("dash-receivers", partitions: 2, cancellationToken: ct);
        var group = _cluster.NewGroupId("dash-shared");
        await using var node = await WebNode.StartAsync(
            _cluster,
            app => app.MapKafkaDashboard(),
            build: b => b.AddKafkaDashboard().AddReceiver<OrderReceiver>(orders).AddReceiver<OrderReceiver>(orders, configure: r => r.InGroup(group)),
            layer: WebNode.NewLayer(),
            nodeId: "a");
        await using var browser = await Browser.LaunchAsync(new Dictionary<string, string> { ["X-User"] = "ops" });
        var page = await browser.Context.NewPageAsync();
        await page.GotoAsync(new Uri(node.Address, "/kafka/dashboard").ToString());

        // Both registrations, by id: the node's group, and the shared one; each owns both partitions here.
        await WaitForRowAsync(page, "OrderReceiver", "Running", "hyperiot_", $"{orders} 0,1");
        await WaitForRowAsync(page, "OrderReceiver-2", "Running", $"{group} (shared)", $"{orders} 0,1");

        // A failure shows as the receiver's last error; a pause and a resume on the node show as they happen.
        await node.Services.GetRequiredService<IKafkaConnectorSystemApi>().ProduceAsync(KafkaMessage.FromText(orders, "o-1", "boom"), ct);
        await page.WaitForFunctionAsync(
            "() => [...document.querySelectorAll('#receiver-status tbody tr')].some(r => r.cells[0].textContent === 'OrderReceiver' && r.cells[6].textContent.includes('System.InvalidOperationException: cannot process order'))",
            null, new() { Timeout = WaitMs });
        var control = node.Services.GetRequiredService<IKafkaReceiverControl>();
        await control.PauseAsync("OrderReceiver-2", ct);
        await WaitForRowAsync(page, "OrderReceiver-2", "Paused", group, orders);
        Assert.Equal("state paused", await page.EvalOnSelectorAsync<string>("#receiver-status tbody tr:nth-child(2) td:nth-child(2)", "c => c.className"));
        await page.ScreenshotAsync(new() { Path = Browser.ArtifactPath("dashboard-receivers.png"), FullPage = true });
        await control.ResumeAsync("OrderReceiver-2", ct);
        await WaitForRowAsync(page, "OrderReceiver-2", "Running", group, orders);
    }

    private static Task<IJSHandle> WaitForRowAsync(IPage page, string id, string state, string group, string partitions) =>
        page.WaitForFunctionAsync(
            "([id, state, group, partitions]) => [...document.querySelectorAll('#receiver-status tbody tr')].some(r => r.cells[0].textContent === id"
                + " && r.cells[1].textContent === state && r.cells[2].textContent.includes(group) && r.cells[3].textContent.includes(partitions))",
            new[] { id, state, group, partitions },
            new() { Timeout = WaitMs });

    private static Task<IJSHandle> WaitForTextAsync(IPage page, string selector, string text) =>
        page.WaitForFunctionAsync(
            "([selector, text]) => document.querySelector(selector).textContent.includes(text)",
            new[] { selector, text },
            new() { Timeout = WaitMs });
}
