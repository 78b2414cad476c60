using Confluent.Kafka;
using KafkaConnector.Admin;
using KafkaConnector.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace KafkaConnector.Tests.Admin;

/// <summary>
/// A group's offsets and lag, and offset resets, against the test cluster: the embedded broker
/// serves OffsetFetch, ListOffsets and OffsetCommit, so these run there too.
/// </summary>
public sealed class GroupOffsetsTests(KafkaFixture fixture)
{
    private const string NoTimestampIndex =
        "the embedded broker has no timestamp index (ListOffsets by time answers 'no offset' for every time, so a reset to a time always lands on the end): "
        + "only a real cluster shows the reset landing on the first message at or after the time; set KAFKA_BOOTSTRAP_SERVERS";

    private readonly KafkaTestCluster _cluster = fixture.Cluster;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ListGroupOffsets_ReportsEachPartitionsCommitEndAndLag_AndAPartitionWithoutACommitAsSuch()
    {
        var (topic, group) = await GroupTraffic.TopicWithMessagesAsync(_cluster, "lag", partitions: 3, count: 10, Ct);
        GroupTraffic.ConsumeAndCommit(_cluster, group, topic, new Dictionary<int, long> { [0] = 4, [1] = 10 });
        await using var host = GroupTraffic.AdminHost(_cluster);
        var admin = host.Services.GetRequiredService<IKafkaAdminApi>();

        var lag = await admin.ListGroupOffsetsAsync(group, [topic], Ct);
        await GroupTraffic.ProduceAsync(_cluster, topic, partitions: 2, count: 5, ct: Ct); // partitions 0 and 1 grow by 5
        var later = await admin.ListGroupOffsetsAsync(group, [topic], Ct);

        Assert.Equal(
            [new KafkaGroupPartitionOffset(topic, 0, 4, 10), new KafkaGroupPartitionOffset(topic, 1, 10, 10), new KafkaGroupPartitionOffset(topic, 2, null, 10)],
            lag);
        Assert.Equal([6L, 0L, null], lag.Select(l => l.Lag));
        Assert.Equal([true, true, false], lag.Select(l => l.HasCommit));
        Assert.Equal([11L, 5L, null], later.Select(l => l.Lag));
    }

    [Fact]
    public async Task ListGroupOffsets_OfAMissingTopic_FailsNamingIt()
    {
        await using var host = GroupTraffic.AdminHost(_cluster);
        var admin = host.Services.GetRequiredService<IKafkaAdminApi>();
        var missing = _cluster.NewTopicName("missing");

        var error = await Assert.ThrowsAsync<KafkaTopicOperationException>(() => admin.ListGroupOffsetsAsync(_cluster.NewGroupId(), [missing], Ct));

        Assert.Equal((missing, ErrorCode.UnknownTopicOrPart), (error.Failures.Single().Topic, error.Failures.Single().Error!.Code));
    }

    [Fact]
    public async Task EmbeddedBroker_ListGroupOffsets_WithoutTopics_SaysItCannotListAGroupsOffsets()
    {
        Assert.SkipUnless(_cluster.IsEmbedded, "checks the embedded broker's limit; a real cluster lists the group's offsets (see the real-cluster test)");
        var (topic, group) = await GroupTraffic.TopicWithMessagesAsync(_cluster, "lag-all", partitions: 1, count: 3, Ct);
        GroupTraffic.ConsumeAndCommit(_cluster, group, topic, new Dictionary<int, long> { [0] = 2 });
        await using var host = GroupTraffic.AdminHost(_cluster);
        var admin = host.Services.GetRequiredService<IKafkaAdminApi>();

        var error = await Assert.ThrowsAsync<KafkaAdminNotSupportedException>(() => admin.ListGroupOffsetsAsync(group, cancellationToken: Ct));

        Assert.Equal("ListGroupOffsets", error.Operation);
        Assert.StartsWith("ListGroupOffsets is not supported by this broker", error.Message, StringComparison.Ordinal);
        Assert.Contains("Name the group's topics.", error.Message, StringComparison.Ordinal);
        Assert.Equal([new KafkaGroupPartitionOffset(topic, 0, 2, 3)], await admin.ListGroupOffsetsAsync(group, [topic], Ct)); // named, they are listed
    }

    [Fact]
    public async Task RealCluster_ListGroupOffsets_WithoutTopics_ListsThePartitionsTheGroupCommittedOn()
    {
        Assert.SkipWhen(_cluster.IsEmbedded, "the embedded broker answers an offset fetch for all topics with nothing: needs a real cluster, set KAFKA_BOOTSTRAP_SERVERS");
        var (topic, group) = await GroupTraffic.TopicWithMessagesAsync(_cluster, "lag-all", partitions: 3, count: 4, Ct);
        GroupTraffic.ConsumeAndCommit(_cluster, group, topic, new Dictionary<int, long> { [0] = 1, [2] = 3 });
        await using var host = GroupTraffic.AdminHost(_cluster);
        var admin = host.Services.GetRequiredService<IKafkaAdminApi>();

        var lag = await admin.ListGroupOffsetsAsync(group, cancellationToken: Ct);
        var none = await admin.ListGroupOffsetsAsync(_cluster.NewGroupId("never"), cancellationToken: Ct);

        Assert.Equal([new KafkaGroupPartitionOffset(topic, 0, 1, 4), new KafkaGroupPartitionOffset(topic, 2, 3, 4)], lag);
        Assert.Empty(none);
    }

    public static TheoryData<string, long> Targets() => new() { { "earliest", 0 }, { "latest", 10 }, { "offset", 3 } };

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task ResetGroupOffsets_MovesTheGroup_AndItsNextConsumerStartsThere(string target, long expected)
    {
        var (topic, group) = await GroupTraffic.TopicWithMessagesAsync(_cluster, "reset", partitions: 2, count: 10, Ct);
        GroupTraffic.ConsumeAndCommit(_cluster, group, topic, new Dictionary<int, long> { [0] = 5, [1] = 5 });
        await using var host = GroupTraffic.AdminHost(_cluster);
        var admin = host.Services.GetRequiredService<IKafkaAdminApi>();
        var to = target switch
        {
            "earliest" => KafkaOffsetTarget.Earliest,
            "latest" => KafkaOffsetTarget.Latest,
            _ => KafkaOffsetTarget.ForOffset(3),
        };

        var changes = await admin.ResetGroupOffsetsAsync(group, topic, to, cancellationToken: Ct);
        var offsets = await admin.ListGroupOffsetsAsync(group, [topic], Ct);
        await GroupTraffic.ProduceAsync(_cluster, topic, partitions: 2, count: 1, ct: Ct); // offset 10: the first a group reset to the end reads
        var starts = GroupTraffic.FirstOffsets(_cluster, group, topic, partitions: 2);

        Assert.Equal([new KafkaGroupOffsetChange(topic, 0, 5, expected), new KafkaGroupOffsetChange(topic, 1, 5, expected)], changes);
        Assert.Equal([expected, expected], offsets.Select(o => o.CommittedOffset));
        Assert.Equal(new Dictionary<int, long> { [0] = expected, [1] = expected }, starts);
    }

    [Fact]
    public async Task ResetGroupOffsets_OfNamedPartitions_LeavesTheOthersAlone_AndCommitsWhereThereWasNoCommit()
    {
        var (topic, group) = await GroupTraffic.TopicWithMessagesAsync(_cluster, "reset-some", partitions: 3, count: 6, Ct);
        GroupTraffic.ConsumeAndCommit(_cluster, group, topic, new Dictionary<int, long> { [0] = 4, [1] = 4 });
        await using var host = GroupTraffic.AdminHost(_cluster);
        var admin = host.Services.GetRequiredService<IKafkaAdminApi>();

        var changes = await admin.ResetGroupOffsetsAsync(group, topic, KafkaOffsetTarget.ForOffset(2), [2, 1], Ct);
        var starts = GroupTraffic.FirstOffsets(_cluster, group, topic, partitions: 3);

        Assert.Equal([new KafkaGroupOffsetChange(topic, 2, null, 2), new KafkaGroupOffsetChange(topic, 1, 4, 2)], changes);
        Assert.Equal(new Dictionary<int, long> { [0] = 4, [1] = 2, [2] = 2 }, starts);
    }

    [Theory]
    [InlineData(GroupProtocols.Eager)]
    [InlineData(GroupProtocols.Consumer)]
    public async Task ResetGroupOffsets_WhileAMemberIsActive_IsRefusedNamingTheGroup_AndChangesNothing(string protocol)
    {
        var (topic, group) = await GroupTraffic.TopicWithMessagesAsync(_cluster, "reset-active", partitions: 2, count: 10, Ct);
        using var member = await GroupTraffic.JoinAsync(_cluster, group, topic, partitions: 2, protocol, new Dictionary<int, long> { [0] = 3 }, Ct);
        await using var host = GroupTraffic.AdminHost(_cluster);
        var admin = host.Services.GetRequiredService<IKafkaAdminApi>();

        var error = await Assert.ThrowsAsync<KafkaGroupActiveException>(() => admin.ResetGroupOffsetsAsync(group, topic, KafkaOffsetTarget.Earliest, cancellationToken: Ct));
        var offsets = await admin.ListGroupOffsetsAsync(group, [topic], Ct);

        Assert.Equal(group, error.GroupId);
        Assert.Equal("ResetGroupOffsets", error.Operation);
        Assert.StartsWith($"ResetGroupOffsets refused for group '{group}': ", error.Message, StringComparison.Ordinal);
        Assert.Contains("Nothing was changed", error.Message, StringComparison.Ordinal);
        if (_cluster.IsEmbedded)
        {
            // No DescribeGroups there: the broker's refusal of a commit from outside the group tells.
            Assert.Null(error.Members);
            Assert.Equal(ErrorCode.UnknownMemberId, error.Error.Code);
        }
        else
        {
            Assert.Equal(member.MemberId, Assert.Single(error.Members!).MemberId);
            Assert.Contains(member.MemberId, error.Message, StringComparison.Ordinal);
        }

        Assert.Equal([3L, null], offsets.Select(o => o.CommittedOffset));
        member.Close();
    }

    [Fact]
    public async Task ResetGroupOffsets_ToAnOffsetOutsideAPartition_OrOfAMissingPartitionOrTopic_IsRefusedAndChangesNothing()
    {
        var (topic, group) = await GroupTraffic.TopicWithMessagesAsync(_cluster, "reset-bad", partitions: 2, count: 4, Ct);
        GroupTraffic.ConsumeAndCommit(_cluster, group, topic, new Dictionary<int, long> { [0] = 1, [1] = 1 });
        await using var host = GroupTraffic.AdminHost(_cluster);
        var admin = host.Services.GetRequiredService<IKafkaAdminApi>();
        var missing = _cluster.NewTopicName("missing");

        var beyond = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => admin.ResetGroupOffsetsAsync(group, topic, KafkaOffsetTarget.ForOffset(5), cancellationToken: Ct));
        var partition = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => admin.ResetGroupOffsetsAsync(group, topic, KafkaOffsetTarget.Earliest, [1, 2], Ct));
        var noTopic = await Assert.ThrowsAsync<KafkaTopicOperationException>(() => admin.ResetGroupOffsetsAsync(group, missing, KafkaOffsetTarget.Earliest, cancellationToken: Ct));

        Assert.Equal("target", beyond.ParamName);
        Assert.StartsWith($"Offset 5 is outside {topic}[0] (offsets 0 to 4), {topic}[1] (offsets 0 to 4); nothing was changed.", beyond.Message, StringComparison.Ordinal);
        Assert.Equal("partitions", partition.ParamName);
        Assert.StartsWith($"Topic '{topic}' has partitions 0 to 1; partition 2 does not exist.", partition.Message, StringComparison.Ordinal);
        Assert.Equal((missing, ErrorCode.UnknownTopicOrPart), (noTopic.Failures.Single().Topic, noTopic.Failures.Single().Error!.Code));
        Assert.Equal([1L, 1L], (await admin.ListGroupOffsetsAsync(group, [topic], Ct)).Select(o => o.CommittedOffset));
    }

    [Fact]
    public async Task ResetGroupOffsets_ToATimeAfterTheLastMessage_MovesToTheEnd()
    {
        var (topic, group) = await GroupTraffic.TopicWithMessagesAsync(_cluster, "reset-future", partitions: 1, count: 5, Ct);
        GroupTraffic.ConsumeAndCommit(_cluster, group, topic, new Dictionary<int, long> { [0] = 2 });
        await using var host = GroupTraffic.AdminHost(_cluster);
        var admin = host.Services.GetRequiredService<IKafkaAdminApi>();

        var changes = await admin.ResetGroupOffsetsAsync(group, topic, KafkaOffsetTarget.ForTimestamp(DateTimeOffset.UtcNow.AddHours(1)), cancellationToken: Ct);

        Assert.Equal([new KafkaGroupOffsetChange(topic, 0, 2, 5)], changes);
    }

    [Fact]
    public async Task EmbeddedBroker_ResetGroupOffsets_ToAnEarlierTime_MovesToTheEnd_ForItHasNoTimestampIndex()
    {
        Assert.SkipUnless(_cluster.IsEmbedded, "checks the embedded broker's documented limit; a real cluster looks the time up (see the real-cluster test)");
        var (topic, group) = await GroupTraffic.TopicWithMessagesAsync(_cluster, "reset-time-embedded", partitions: 1, count: 5, Ct);
        await using var host = GroupTraffic.AdminHost(_cluster);
        var admin = host.Services.GetRequiredService<IKafkaAdminApi>();

        var changes = await admin.ResetGroupOffsetsAsync(group, topic, KafkaOffsetTarget.ForTimestamp(DateTimeOffset.UtcNow.AddHours(-1)), cancellationToken: Ct);

        Assert.Equal([new KafkaGroupOffsetChange(topic, 0, null, 5)], changes);
    }

    [Fact]
    public async Task RealCluster_ResetGroupOffsets_ToATime_MovesToTheFirstMessageAtOrAfterIt()
    {
        Assert.SkipWhen(_cluster.IsEmbedded, NoTimestampIndex);
        var (topic, group) = (await _cluster.CreateNewTopicAsync("reset-time", partitions: 2, Ct), _cluster.NewGroupId("reset-time"));
        var now = DateTimeOffset.UtcNow;
        await GroupTraffic.ProduceAsync(_cluster, topic, partitions: 2, count: 3, timestamp: now.AddHours(-2), ct: Ct);
        await GroupTraffic.ProduceAsync(_cluster, topic, partitions: 2, count: 4, timestamp: now.AddHours(-1), ct: Ct);
        GroupTraffic.ConsumeAndCommit(_cluster, group, topic, new Dictionary<int, long> { [0] = 7, [1] = 7 });
        await using var host = GroupTraffic.AdminHost(_cluster);
        var admin = host.Services.GetRequiredService<IKafkaAdminApi>();

        var changes = await admin.ResetGroupOffsetsAsync(group, topic, KafkaOffsetTarget.ForTimestamp(now.AddMinutes(-90)), cancellationToken: Ct);
        var starts = GroupTraffic.FirstOffsets(_cluster, group, topic, partitions: 2);

        Assert.Equal([new KafkaGroupOffsetChange(topic, 0, 7, 3), new KafkaGroupOffsetChange(topic, 1, 7, 3)], changes);
        Assert.Equal(new Dictionary<int, long> { [0] = 3, [1] = 3 }, starts);
    }
}
