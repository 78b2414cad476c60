using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Confluent.Kafka;
using KafkaConnector.Admin;
using KafkaConnector.AspNetCore.Admin;
using KafkaConnector.Security;
using KafkaConnector.Testing;
using Microsoft.AspNetCore.Builder;

namespace KafkaConnector.AspNetCore.Tests.Admin;

/// <summary>The consumer-group endpoints, through the permission-checked API, against the test cluster.</summary>
public sealed class GroupEndpointsTests(KafkaFixture fixture)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private readonly KafkaTestCluster _cluster = fixture.Cluster;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Task<WebNode> StartAsync() => WebNode.StartAsync(
        _cluster,
        app => app.MapKafkaAdmin(),
        permissions: o => o.Rules.Add(new KafkaPermissionRule { Roles = { "viewer" }, Actions = { "GroupDescribe" }, Resources = { "*" } }));

    [Fact]
    public async Task Offsets_ShowEachPartitionsLag_AndAResetMovesThem_WhileAViewerIsRefusedTheReset()
    {
        var topic = await _cluster.CreateNewTopicAsync("rest-lag", partitions: 2, Ct);
        var group = _cluster.NewGroupId("rest-lag");
        await ProduceAsync(topic, partitions: 2, count: 6);
        Commit(group, topic, new Dictionary<int, long> { [0] = 4 });
        await using var node = await StartAsync();
        using var viewer = node.Client("vera", "viewer");
        using var admin = node.Client("carol", "kafka");

        var lag = await viewer.GetFromJsonAsync<JsonElement>($"/kafka/groups/{group}/offsets?topic={topic}", Ct);
        using var refused = await viewer.PostAsJsonAsync($"/kafka/groups/{group}/offsets/reset", new KafkaGroupResetRequest(topic, "earliest"), Ct);
        using var reset = await admin.PostAsJsonAsync($"/kafka/groups/{group}/offsets/reset", new KafkaGroupResetRequest(topic, "offset", Offset: 1), Ct);
        var changes = await reset.Content.ReadFromJsonAsync<KafkaGroupOffsetChange[]>(Ct);
        var after = await viewer.GetFromJsonAsync<KafkaGroupPartitionOffset[]>($"/kafka/groups/{group}/offsets?topic={topic}", Ct);

        Assert.Equal(2, lag.GetArrayLength());
        Assert.Equal((4, 6, 2, true), (lag[0].GetProperty("committedOffset").GetInt64(), lag[0].GetProperty("logEndOffset").GetInt64(), lag[0].GetProperty("lag").GetInt64(), lag[0].GetProperty("hasCommit").GetBoolean()));
        Assert.Equal((JsonValueKind.Null, JsonValueKind.Null, false), (lag[1].GetProperty("committedOffset").ValueKind, lag[1].GetProperty("lag").ValueKind, lag[1].GetProperty("hasCommit").GetBoolean()));
        await AdminEndpointsTests.AssertProblemAsync(refused, HttpStatusCode.Forbidden, $"Permission denied: GroupReset on '{group}'.", Ct);
        Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
        Assert.Equal([new KafkaGroupOffsetChange(topic, 0, 4, 1), new KafkaGroupOffsetChange(topic, 1, null, 1)], changes!);
        Assert.Equal([new KafkaGroupPartitionOffset(topic, 0, 1, 6), new KafkaGroupPartitionOffset(topic, 1, 1, 6)], after!);
    }

    [Fact]
    public async Task A_reset_of_a_group_with_an_active_member_is_a_409_problem_naming_the_group()
    {
        var topic = await _cluster.CreateNewTopicAsync("rest-active", partitions: 1, Ct);
        var group = _cluster.NewGroupId("rest-active");
        await ProduceAsync(topic, partitions: 1, count: 3);
        using var member = new ConsumerBuilder<Ignore, Ignore>(_cluster.CreateConsumerConfig(group)).Build();
        member.Subscribe(topic);
        await Eventually.UntilAsync(
            () =>
            {
                member.Consume(TimeSpan.FromMilliseconds(50));
                return member.Assignment.Count == 1;
            },
            Wait,
            () => "the member to be assigned the partition",
            Ct);
        member.Commit([new TopicPartitionOffset(topic, 0, 2)]);
        await using var node = await StartAsync();
        using var admin = node.Client("carol", "kafka");

        using var response = await admin.PostAsJsonAsync($"/kafka/groups/{group}/offsets/reset", new KafkaGroupResetRequest(topic, "earliest"), Ct);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var offsets = await admin.GetFromJsonAsync<KafkaGroupPartitionOffset[]>($"/kafka/groups/{group}/offsets?topic={topic}", Ct);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.StartsWith($"ResetGroupOffsets refused for group '{group}'", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(group, body.GetProperty("groupId").GetString());
        Assert.Equal(2, Assert.Single(offsets!).CommittedOffset);
        member.Close();
    }

    [Fact]
    public async Task Bad_reset_bodies_are_400_problems_naming_the_key()
    {
        await using var node = await StartAsync();
        using var admin = node.Client("carol", "kafka");

        foreach (var (request, key) in new (KafkaGroupResetRequest, string)[]
        {
            (new KafkaGroupResetRequest("t", "sideways"), "to"),
            (new KafkaGroupResetRequest("t", "offset"), "offset"),
            (new KafkaGroupResetRequest("t", "latest", Offset: 3), "offset"),
            (new KafkaGroupResetRequest("t", "timestamp"), "timestamp"),
            (new KafkaGroupResetRequest("t", "offset", Offset: -1), "offset"),
            (new KafkaGroupResetRequest("t", "earliest", Partitions: [-1]), "partitions"),
        })
        {
            using var response = await admin.PostAsJsonAsync("/kafka/groups/g/offsets/reset", request, Ct);
            var body = await response.Content.ReadAsStringAsync(Ct);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{request}: {(int)response.StatusCode} {body}");
            Assert.Contains($"'{key}'", body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Listing_and_describing_groups_is_a_501_problem_on_the_embedded_broker_and_lists_them_on_a_real_one()
    {
        var topic = await _cluster.CreateNewTopicAsync("rest-groups", partitions: 1, Ct);
        var group = _cluster.NewGroupId("rest-groups");
        await ProduceAsync(topic, partitions: 1, count: 1);
        Commit(group, topic, new Dictionary<int, long> { [0] = 1 });
        await using var node = await StartAsync();
        using var admin = node.Client("carol", "kafka");
        using var viewer = node.Client("vera", "viewer");

        using var list = await admin.GetAsync("/kafka/groups", Ct);
        using var describe = await admin.GetAsync($"/kafka/groups/{group}", Ct);
        using var denied = await viewer.GetAsync("/kafka/groups", Ct);

        await AdminEndpointsTests.AssertProblemAsync(denied, HttpStatusCode.Forbidden, "Permission denied: GroupList on '*'.", Ct);
        if (_cluster.IsEmbedded)
        {
            await AdminEndpointsTests.AssertProblemAsync(list, HttpStatusCode.NotImplemented, null, Ct);
            await AdminEndpointsTests.AssertProblemAsync(describe, HttpStatusCode.NotImplemented, null, Ct);
            return;
        }

        var groups = await list.Content.ReadFromJsonAsync<KafkaGroupModel[]>(Ct);
        var described = await describe.Content.ReadFromJsonAsync<KafkaGroupModel>(Ct);
        Assert.Contains(groups!, g => g.GroupId == group && g.State == "Empty" && g.Members is null);
        Assert.Equal((group, "Empty", false), (described!.GroupId, described.State, described.IsActive));
        Assert.Empty(described.Members!);
    }

    private async Task ProduceAsync(string topic, int partitions, int count)
    {
        using var producer = new ProducerBuilder<string, string>(_cluster.CreateProducerConfig()).Build();
        for (var p = 0; p < partitions; p++)
        {
            for (var i = 0; i < count; i++)
            {
                await producer.ProduceAsync(new TopicPartition(topic, p), new Message<string, string> { Key = "k", Value = $"m{i}" }, Ct);
            }
        }
    }

    /// <summary>Commits offsets for the group the way a consumer that assigns its partitions does: the group gets no member.</summary>
    private void Commit(string group, string topic, Dictionary<int, long> offsets)
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(_cluster.CreateConsumerConfig(group)).Build();
        consumer.Commit(offsets.Select(o => new TopicPartitionOffset(topic, o.Key, o.Value)));
    }
}
