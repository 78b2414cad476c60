using Confluent.Kafka;
using KafkaConnector.Admin;
using KafkaConnector.AspNetCore.Admin.Internal;
using KafkaConnector.Security;

namespace KafkaConnector.AspNetCore.Tests.Admin;

public sealed class AdminProblemsTests
{
    [Theory]
    [InlineData(ErrorCode.TopicAlreadyExists, 409)]
    [InlineData(ErrorCode.UnknownTopicOrPart, 404)]
    [InlineData(ErrorCode.InvalidPartitions, 400)]
    public void Topic_failures_map_to_the_status_of_their_error(ErrorCode code, int status)
    {
        var failure = new KafkaTopicOperationException("CreateTopics", [new KafkaTopicResult("t", new Error(code))]);
        Assert.Equal(status, AdminProblems.Map(failure).Status);
    }

    [Fact]
    public void Denials_show_their_message_and_unknown_failures_hide_theirs()
    {
        var (status, detail) = AdminProblems.Map(new KafkaPermissionDeniedException(KafkaConnectorAction.TopicDelete, "orders"));
        Assert.Equal(403, status);
        Assert.Equal("Permission denied: TopicDelete on 'orders'.", detail);

        var hidden = AdminProblems.Map(new InvalidCastException("secret internals"));
        Assert.Equal(500, hidden.Status);
        Assert.DoesNotContain("secret", hidden.Detail, StringComparison.Ordinal);
        Assert.Equal(501, AdminProblems.Map(new KafkaAdminNotSupportedException("CreateAcls", new Error(ErrorCode.Local_UnsupportedFeature))).Status);
        Assert.Equal(400, AdminProblems.Map(new ArgumentException("bad")).Status);
    }

    [Fact]
    public void An_active_group_is_a_conflict_even_though_it_is_an_admin_failure()
    {
        var active = new KafkaGroupActiveException("ResetGroupOffsets", "billing", null, new Error(ErrorCode.UnknownMemberId));

        var (status, detail) = AdminProblems.Map(active);

        Assert.Equal(409, status);
        Assert.Equal(active.Message, detail);
        Assert.Equal(502, AdminProblems.Map(new KafkaAdminException("ResetGroupOffsets", new Error(ErrorCode.GroupCoordinatorNotAvailable), "failed")).Status);
    }
}
