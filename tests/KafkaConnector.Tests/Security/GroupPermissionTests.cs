using KafkaConnector.Admin;
using KafkaConnector.Security;
using KafkaConnector.Testing;
using KafkaConnector.Tests.Admin;

namespace KafkaConnector.Tests.Security;

/// <summary>Consumer-group actions are checked on the group id: a rule names groups as it names topics.</summary>
public sealed class GroupPermissionTests(KafkaFixture fixture)
{
    private readonly KafkaTestCluster _cluster = fixture.Cluster;

    [Fact]
    public async Task GroupRules_AllowDescribingAGroup_ButARefusedResetChangesNothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var topic = await _cluster.CreateNewTopicAsync("secure-group", 1, ct);
        var team = _cluster.NewGroupId("team");
        var group = $"{team}-billing";
        await GroupTraffic.ProduceAsync(_cluster, topic, partitions: 1, count: 4, ct: ct);
        GroupTraffic.ConsumeAndCommit(_cluster, group, topic, new Dictionary<int, long> { [0] = 3 });
        await using var connector = SecureConnector.Create(_cluster, o =>
        {
            o.Rules.Add(new KafkaPermissionRule { Roles = { "viewer" }, Actions = { "GroupDescribe" }, Resources = { $"{team}-*" } });
            o.Rules.Add(new KafkaPermissionRule { Roles = { "operator" }, Actions = { "GroupDescribe", "GroupReset" }, Resources = { group } });
        });
        var viewer = Principals.User("vera", "viewer");

        var lag = await connector.Api.ListGroupOffsetsAsync(viewer, group, [topic], ct);
        var reset = await Assert.ThrowsAsync<KafkaPermissionDeniedException>(() => connector.Api.ResetGroupOffsetsAsync(viewer, group, topic, KafkaOffsetTarget.Earliest, cancellationToken: ct));
        var other = await Assert.ThrowsAsync<KafkaPermissionDeniedException>(() => connector.Api.ListGroupOffsetsAsync(viewer, "payments", [topic], ct));
        var list = await Assert.ThrowsAsync<KafkaPermissionDeniedException>(() => connector.Api.ListGroupsAsync(viewer, ct));
        var after = await connector.Api.ListGroupOffsetsAsync(viewer, group, [topic], ct);
        var changes = await connector.Api.ResetGroupOffsetsAsync(Principals.User("otto", "operator"), group, topic, KafkaOffsetTarget.Earliest, cancellationToken: ct);

        Assert.Equal([new KafkaGroupPartitionOffset(topic, 0, 3, 4)], lag);
        Assert.Equal($"Permission denied: GroupReset on '{group}'.", reset.Message);
        Assert.Equal((KafkaConnectorAction.GroupDescribe, "payments"), (other.Action, other.Resource));
        Assert.Equal((KafkaConnectorAction.GroupList, "*"), (list.Action, list.Resource));
        Assert.Equal(lag, after);
        Assert.Equal([new KafkaGroupOffsetChange(topic, 0, 3, 0)], changes);
        Assert.Equal(
            ["IKafkaAdminApi.ListGroupOffsetsAsync", "IKafkaAdminApi.ListGroupOffsetsAsync", "IKafkaAdminApi.ResetGroupOffsetsAsync"],
            connector.Calls);
    }
}
