using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KafkaConnector.AspNetCore.Admin;
using KafkaConnector.Security;
using KafkaConnector.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace KafkaConnector.AspNetCore.Tests.Admin;

public sealed class AdminEndpointsTests(KafkaFixture fixture)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private readonly KafkaTestCluster _cluster = fixture.Cluster;

    private async Task<WebNode> StartAsync()
    {
        // The embedded broker answers admin requests at once (refusing those it does not serve) once it names a controller.
        _cluster.Embedded?.SetControllerId(1);
        return await WebNode.StartAsync(
            _cluster,
            app =>
            {
                app.MapKafkaAdmin();
                app.MapOpenApi();
            },
            build: b => b.Services.AddOpenApi(),
            permissions: o => o.Rules.Add(new KafkaPermissionRule { Roles = { "viewer" }, Actions = { "TopicDescribe" }, Resources = { "*" } }));
    }

    [Fact]
    public async Task Status_and_members_answer_an_authenticated_user_and_refuse_an_anonymous_one_with_401()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var node = await StartAsync();
        using var user = node.Client("alice", "viewer");
        using var anonymous = node.Client(null);

        var status = await user.GetFromJsonAsync<KafkaNodeStatus>("/kafka/status", ct);
        Assert.Equal("n1", status!.NodeId);
        await Eventually.UntilAsync(() => user.GetFromJsonAsync<KafkaClusterMembers>("/kafka/cluster/members", ct).Result!.Members.Any(m => m.NodeId == "n1"), Wait,
            () => "the node never listed itself as a member", ct);

        using var refused = await anonymous.GetAsync("/kafka/status", ct);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Describe_is_allowed_by_the_rules_and_a_denied_create_or_acl_is_a_403_problem()
    {
        var ct = TestContext.Current.CancellationToken;
        var topic = await _cluster.CreateNewTopicAsync("rest-describe", partitions: 3, cancellationToken: ct);
        await using var node = await StartAsync();
        using var viewer = node.Client("bob", "viewer");

        var description = await viewer.GetFromJsonAsync<JsonElement>($"/kafka/topics/{topic}", ct);
        Assert.Equal(topic, description.GetProperty("name").GetString());
        Assert.Equal(3, description.GetProperty("partitions").GetArrayLength());

        using var create = await viewer.PostAsJsonAsync("/kafka/topics", new KafkaTopicCreateRequest("rest-new-" + topic, 1), ct);
        await AssertProblemAsync(create, HttpStatusCode.Forbidden, $"Permission denied: TopicAdd on 'rest-new-{topic}'.", ct);
        using var delete = await viewer.DeleteAsync($"/kafka/topics/{topic}", ct);
        await AssertProblemAsync(delete, HttpStatusCode.Forbidden, $"Permission denied: TopicDelete on '{topic}'.", ct);
        using var acl = await viewer.PostAsJsonAsync("/kafka/acls", new[] { new KafkaAclModel("User:eve", topic, "Literal", "Read", "Allow") }, ct);
        await AssertProblemAsync(acl, HttpStatusCode.Forbidden, $"Permission denied: AclAdd on '{topic}'.", ct);
        using var list = await viewer.GetAsync($"/kafka/acls?topic={topic}", ct);
        await AssertProblemAsync(list, HttpStatusCode.Forbidden, $"Permission denied: AclList on '{topic}'.", ct);
    }

    [Fact]
    public async Task An_allowed_operation_the_broker_does_not_serve_is_a_501_problem_and_bad_input_a_400()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var node = await StartAsync();
        using var admin = node.Client("carol", "kafka");
        var name = _cluster.NewTopicName("rest-create");

        using var create = await admin.PostAsJsonAsync("/kafka/topics", new KafkaTopicCreateRequest(name, 2), ct);
        if (_cluster.IsEmbedded)
        {
            await AssertProblemAsync(create, HttpStatusCode.NotImplemented, null, ct);
        }
        else
        {
            Assert.Equal(HttpStatusCode.Created, create.StatusCode);
        }

        using var bad = await admin.PostAsJsonAsync("/kafka/acls", new[] { new KafkaAclModel("User:eve", name, "Sideways", "Read", "Allow") }, ct);
        await AssertProblemAsync(bad, HttpStatusCode.BadRequest, null, ct);
    }

    [Fact]
    public async Task The_openapi_document_describes_the_endpoints_and_lag_lists_the_nodes_partitions()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var node = await StartAsync();
        using var client = node.Client("dave", "viewer");

        var document = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json", ct);
        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToHashSet();
        foreach (var path in new[] { "/kafka/status", "/kafka/cluster/members", "/kafka/lag", "/kafka/topics", "/kafka/topics/{name}", "/kafka/acls", "/kafka/acls/delete", "/kafka/groups", "/kafka/groups/{groupId}", "/kafka/groups/{groupId}/offsets", "/kafka/groups/{groupId}/offsets/reset", "/kafka/receivers", "/kafka/receivers/{id}/pause", "/kafka/receivers/{id}/resume", "/kafka/receivers/{id}/restart", "/kafka/consumption/pause", "/kafka/consumption/resume", "/kafka/consumption/restart" })
        {
            Assert.Contains(path, paths);
        }

        // librdkafka reports lag in its statistics (every 5 s) once the node committed offsets.
        var layerTopic = node.Services.GetRequiredService<KafkaConnector.Cluster.IKafkaCluster>().Topics.Broadcast;
        IReadOnlyList<KafkaPartitionLag>? lag = null;
        await Eventually.UntilAsync(() => (lag = client.GetFromJsonAsync<IReadOnlyList<KafkaPartitionLag>>("/kafka/lag", ct).Result)!.Any(l => l.Topic == layerTopic), Wait,
            () => $"no lag for {layerTopic}; got {string.Join(", ", lag ?? [])}", ct);
    }

    internal static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string? detail, CancellationToken ct)
    {
        var body = await response.Content.ReadAsStringAsync(ct);
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(body);
        Assert.Equal((int)status, problem.RootElement.GetProperty("status").GetInt32());
        if (detail is not null)
        {
            Assert.Equal(detail, problem.RootElement.GetProperty("detail").GetString());
        }
    }
}
