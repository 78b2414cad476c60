using System.Diagnostics;
using Confluent.Kafka;
using KafkaConnector.Admin;
using KafkaConnector.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace KafkaConnector.Tests.Admin;

/// <summary>
/// Listing and describing consumer groups, and the arguments of every group operation. The
/// embedded broker serves neither ListGroups nor DescribeGroups (and librdkafka's group listing
/// crashes the process there), so the real behaviour needs <c>KAFKA_BOOTSTRAP_SERVERS</c>.
/// </summary>
public sealed class GroupAdminTests(KafkaFixture fixture)
{
    private readonly KafkaTestCluster _cluster = fixture.Cluster;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EmbeddedBroker_ListAndDescribeGroups_FailAtOnce_SayingTheyAreNotSupported()
    {
        Assert.SkipUnless(_cluster.IsEmbedded, "checks the embedded broker's limit; a real cluster lists and describes groups (see the real-cluster test)");
        var watch = Stopwatch.StartNew();
        await using (var host = GroupTraffic.AdminHost(_cluster))
        {
            var admin = host.Services.GetRequiredService<IKafkaAdminApi>();

            var list = await Assert.ThrowsAsync<KafkaAdminNotSupportedException>(() => admin.ListGroupsAsync(Ct));
            var describe = await Assert.ThrowsAsync<KafkaAdminNotSupportedException>(() => admin.DescribeGroupsAsync([_cluster.NewGroupId()], Ct));

            Assert.Equal(("ListGroups", ErrorCode.Local_UnsupportedFeature), (list.Operation, list.Error.Code));
            Assert.Equal(("DescribeGroups", ErrorCode.Local_UnsupportedFeature), (describe.Operation, describe.Error.Code));
            Assert.All(new[] { list, describe }, e =>
            {
                Assert.Contains("serves neither ListGroups nor DescribeGroups", e.Message, StringComparison.Ordinal);
                Assert.Contains("KAFKA_BOOTSTRAP_SERVERS", e.Message, StringComparison.Ordinal);
            });
        }

        // Disposing the admin client is where librdkafka's group listing would have crashed the process.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task RealCluster_ListsAndDescribesGroups_WithStateMembersAndAssignments()
    {
        Assert.SkipWhen(_cluster.IsEmbedded, "the embedded broker serves neither ListGroups nor DescribeGroups: needs a real cluster, set KAFKA_BOOTSTRAP_SERVERS");
        var (topic, group) = await GroupTraffic.TopicWithMessagesAsync(_cluster, "groups", partitions: 2, count: 1, Ct);
        await using var host = GroupTraffic.AdminHost(_cluster);
        var admin = host.Services.GetRequiredService<IKafkaAdminApi>();
        var unknown = _cluster.NewGroupId("unknown");

        using (var member = await GroupTraffic.JoinAsync(_cluster, group, topic, partitions: 2, GroupProtocols.Eager, new Dictionary<int, long> { [0] = 1 }, Ct))
        {
            var listed = (await admin.ListGroupsAsync(Ct)).Single(g => g.GroupId == group);
            var described = await admin.DescribeGroupsAsync([group, unknown], Ct);

            Assert.Equal((ConsumerGroupState.Stable, false), (listed.State, listed.IsSimple));
            var active = described[0];
            Assert.True(active.IsActive);
            Assert.Equal((group, ConsumerGroupState.Stable, "range"), (active.GroupId, active.State, active.PartitionAssignor));
            var described0 = Assert.Single(active.Members);
            Assert.Equal(member.MemberId, described0.MemberId);
            Assert.Equal([0, 1], described0.Assignment.Where(p => p.Topic == topic).Select(p => p.Partition.Value).Order());
            Assert.Equal((unknown, ConsumerGroupState.Dead, false), (described[1].GroupId, described[1].State, described[1].IsActive));
            member.Close();
        }

        await Eventually.UntilAsync(
            () => admin.DescribeGroupsAsync([group], Ct).GetAwaiter().GetResult()[0] is { IsActive: false, State: ConsumerGroupState.Empty },
            TimeSpan.FromSeconds(30),
            () => $"group {group} to be Empty once its member left",
            Ct);
    }

    [Fact]
    public async Task InvalidArguments_AreRefusedBeforeAnythingIsSent()
    {
        await using var host = GroupTraffic.AdminHost(_cluster);
        var admin = host.Services.GetRequiredService<IKafkaAdminApi>();
        var earliest = KafkaOffsetTarget.Earliest;

        Assert.Equal("groupId", (await Assert.ThrowsAsync<ArgumentException>(() => admin.ListGroupOffsetsAsync(" ", ["t"], Ct))).ParamName);
        Assert.Equal("groupId", (await Assert.ThrowsAsync<ArgumentNullException>(() => admin.ListGroupOffsetsAsync(null!, ["t"], Ct))).ParamName);
        Assert.Equal("topics", (await Assert.ThrowsAsync<ArgumentException>(() => admin.ListGroupOffsetsAsync("g", [], Ct))).ParamName);
        Assert.Equal("topics", (await Assert.ThrowsAsync<ArgumentException>(() => admin.ListGroupOffsetsAsync("g", ["bad/name"], Ct))).ParamName);
        Assert.Equal("groupId", (await Assert.ThrowsAsync<ArgumentException>(() => admin.ResetGroupOffsetsAsync("", "t", earliest, cancellationToken: Ct))).ParamName);
        Assert.Equal("topic", (await Assert.ThrowsAsync<ArgumentException>(() => admin.ResetGroupOffsetsAsync("g", "not a topic", earliest, cancellationToken: Ct))).ParamName);
        Assert.Equal("target", (await Assert.ThrowsAsync<ArgumentNullException>(() => admin.ResetGroupOffsetsAsync("g", "t", null!, cancellationToken: Ct))).ParamName);
        var negative = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => admin.ResetGroupOffsetsAsync("g", "t", earliest, [0, -1], Ct));
        Assert.Equal("partitions", negative.ParamName);
        Assert.StartsWith("Partition -1 is negative", negative.Message, StringComparison.Ordinal);
        var twice = await Assert.ThrowsAsync<ArgumentException>(() => admin.ResetGroupOffsetsAsync("g", "t", earliest, [1, 1], Ct));
        Assert.StartsWith("Partition 1 is named more than once.", twice.Message, StringComparison.Ordinal);
        Assert.Equal("partitions", (await Assert.ThrowsAsync<ArgumentException>(() => admin.ResetGroupOffsetsAsync("g", "t", earliest, [], Ct))).ParamName);
        Assert.Equal("groupIds", (await Assert.ThrowsAsync<ArgumentException>(() => admin.DescribeGroupsAsync(["g", ""], Ct))).ParamName);
        Assert.Empty(await admin.DescribeGroupsAsync([], Ct));
        Assert.Null(host.Services.GetRequiredService<KafkaAdminApi>().ClientIfCreated);
    }
}
