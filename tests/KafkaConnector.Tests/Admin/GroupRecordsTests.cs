using Confluent.Kafka;
using KafkaConnector.Admin;

namespace KafkaConnector.Tests.Admin;

/// <summary>The group records' own logic, without a broker.</summary>
public sealed class GroupRecordsTests
{
    [Fact]
    public void OffsetTarget_RefusesANegativeOffsetAndATimeBeforeTheEpoch()
    {
        Assert.Equal("offset", Assert.Throws<ArgumentOutOfRangeException>(() => KafkaOffsetTarget.ForOffset(-1)).ParamName);
        Assert.Equal("timestamp", Assert.Throws<ArgumentOutOfRangeException>(() => KafkaOffsetTarget.ForTimestamp(DateTimeOffset.UnixEpoch.AddMilliseconds(-1))).ParamName);
        Assert.Equal((KafkaOffsetTargetKind.Offset, 0L), (KafkaOffsetTarget.ForOffset(0).Kind, KafkaOffsetTarget.ForOffset(0).Offset!.Value));
    }

    [Fact]
    public void OffsetTarget_SaysWhereItPoints()
    {
        Assert.Equal("earliest", KafkaOffsetTarget.Earliest.ToString());
        Assert.Equal("latest", KafkaOffsetTarget.Latest.ToString());
        Assert.Equal("offset 42", KafkaOffsetTarget.ForOffset(42).ToString());
        Assert.Equal("timestamp 2024-05-01T10:00:00.0000000+00:00", KafkaOffsetTarget.ForTimestamp(new DateTimeOffset(2024, 5, 1, 10, 0, 0, TimeSpan.Zero)).ToString());
    }

    [Fact]
    public void PartitionOffset_HasALagOnlyWithACommit()
    {
        var committed = new KafkaGroupPartitionOffset("t", 0, 7, 10);
        var none = new KafkaGroupPartitionOffset("t", 1, null, 10);

        Assert.Equal((3L, true), (committed.Lag, committed.HasCommit));
        Assert.Equal((null, false), (none.Lag, none.HasCommit));
        Assert.Equal("t[1]: committed none, end 10, lag unknown", none.ToString());
    }

    [Theory]
    [InlineData(ConsumerGroupState.Empty, 0, false)]
    [InlineData(ConsumerGroupState.Dead, 0, false)]
    [InlineData(ConsumerGroupState.Stable, 1, true)]
    [InlineData(ConsumerGroupState.PreparingRebalance, 0, true)]
    [InlineData(ConsumerGroupState.CompletingRebalance, 0, true)]
    [InlineData(ConsumerGroupState.Unknown, 1, true)] // KIP-848 states the client does not name (assigning, reconciling)
    [InlineData(ConsumerGroupState.Unknown, 0, false)]
    public void GroupDescription_IsActiveWithMembersOrWhileRebalancing(ConsumerGroupState state, int members, bool active)
    {
        var member = new KafkaGroupMember("m-1", "client", "/10.0.0.1", null, []);
        var description = new KafkaGroupDescription("g", state, ConsumerGroupType.Classic, false, "range", 1, [.. Enumerable.Repeat(member, members)]);

        Assert.Equal(active, description.IsActive);
    }

    [Fact]
    public void ActiveGroupException_NamesTheGroupAndWhatIsKnownOfItsMembers()
    {
        var member = new KafkaGroupMember("m-1", "billing", "/10.0.0.1", null, [new TopicPartition("t", 0)]);

        var described = new KafkaGroupActiveException("ResetGroupOffsets", "g", [member], new Error(ErrorCode.NonEmptyGroup, "the group is Stable"));
        var raced = new KafkaGroupActiveException("ResetGroupOffsets", "g", [], new Error(ErrorCode.UnknownMemberId));
        var unknown = new KafkaGroupActiveException("ResetGroupOffsets", "g", null, new Error(ErrorCode.UnknownMemberId));

        Assert.Equal(
            "ResetGroupOffsets refused for group 'g': it has 1 active member(s): m-1 (client billing on /10.0.0.1). Nothing was changed; stop the group's consumers and retry.",
            described.Message);
        Assert.Equal(
            "ResetGroupOffsets refused for group 'g': a member joined it meanwhile: the broker refused a commit from outside the group (UnknownMemberId). Nothing was changed; stop the group's consumers and retry.",
            raced.Message);
        Assert.StartsWith("ResetGroupOffsets refused for group 'g': it has active members: the broker refused a commit from outside the group (UnknownMemberId).", unknown.Message, StringComparison.Ordinal);
        Assert.Contains("the members are not known", unknown.Message, StringComparison.Ordinal);
        Assert.Equal(ErrorCode.UnknownMemberId, unknown.Error.Code);
    }
}
