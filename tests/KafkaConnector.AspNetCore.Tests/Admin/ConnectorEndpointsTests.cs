using System.Net;
using System.Net.Http.Json;
using KafkaConnector.Security;
using KafkaConnector.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace KafkaConnector.AspNetCore.Tests.Admin;

/// <summary>The connectors endpoints exist with the Connect module only, and go through its permission-checked API.</summary>
public sealed class ConnectorEndpointsTests(KafkaFixture fixture)
{
    private Task<WebNode> StartAsync(bool withConnect) => WebNode.StartAsync(
        fixture.Cluster,
        app => app.MapKafkaAdmin(),
        build: withConnect ? b => b.AddKafkaConnect(o => o.Url = "http://127.0.0.1:1") : null, // no Kafka Connect worker listens there
        permissions: o => o.Rules.Add(new KafkaPermissionRule { Roles = { "viewer" }, Actions = { "ConnectorView" }, Resources = { "*" } }));

    [Fact]
    public async Task WithoutTheConnectModule_ThereAreNoConnectorEndpoints()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var node = await StartAsync(withConnect: false);
        using var admin = node.Client("carol", "kafka");

        using var response = await admin.GetAsync("/kafka/connectors", ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task ADeniedCall_IsA403BeforeAnythingIsSent_AndAnAllowedOneReachesKafkaConnect()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var node = await StartAsync(withConnect: true);
        using var viewer = node.Client("bob", "viewer");
        using var admin = node.Client("carol", "kafka");

        using var list = await viewer.GetAsync("/kafka/connectors", ct);
        await AdminEndpointsTests.AssertProblemAsync(list, HttpStatusCode.Forbidden, "Permission denied: ConnectorList on '*'.", ct);
        using var create = await viewer.PostAsJsonAsync("/kafka/connectors/sink", new Dictionary<string, string> { ["connector.class"] = "FileStreamSink" }, ct);
        await AdminEndpointsTests.AssertProblemAsync(create, HttpStatusCode.Forbidden, "Permission denied: ConnectorNew on 'sink'.", ct);

        // Allowed, so it is sent: with no worker listening, Kafka Connect's failure is a 502 problem.
        using var reached = await admin.GetAsync("/kafka/connectors", ct);
        await AdminEndpointsTests.AssertProblemAsync(reached, HttpStatusCode.BadGateway, detail: null, ct);
    }
}
