using System.Diagnostics;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using KafkaConnector.Admin;
using KafkaConnector.EmbeddedKafka;
using KafkaConnector.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace KafkaConnector.Tests.Admin;

/// <summary>
/// Admin against the embedded broker (always: it must say clearly what it cannot do) and, when
/// <c>KAFKA_BOOTSTRAP_SERVERS</c> names one, against a real cluster.
/// </summary>
public sealed class KafkaAdminApiTests(KafkaFixture fixture)
{
    private const string NotSupportedText = "is not supported by this broker";
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(60);
    private readonly KafkaTestCluster _cluster = fixture.Cluster;

    public static TheoryData<string> OperationsTheEmbeddedBrokerLacks() =>
        ["CreateTopics", "DeleteTopics", "AlterTopicConfigs", "AddAcls", "DeleteAcls", "ListAcls"];

    [Theory]
    [MemberData(nameof(OperationsTheEmbeddedBrokerLacks))]
    public async Task EmbeddedBroker_Operation_FailsAtOnce_SayingItIsNotSupported(string operation)
    {
        await using var embedded = EmbeddedKafkaCluster.Start();
        embedded.SetControllerId(1);
        embedded.CreateTopic("existing", 1);
        await using var host = AdminHost(embedded.BootstrapServers, TimeSpan.FromSeconds(30));
        var admin = host.Services.GetRequiredService<IKafkaAdminApi>();
        var watch = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<KafkaAdminNotSupportedException>(() => Run(admin, operation, "existing", TestContext.Current.CancellationToken));

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
        Assert.Equal(operation, error.Operation);
        Assert.Equal(ErrorCode.Local_UnsupportedFeature, error.Error.Code);
        Assert.StartsWith($"{operation} {NotSupportedText} (Local_UnsupportedFeature", error.Message, StringComparison.Ordinal);
        Assert.Contains("EmbeddedKafkaCluster.CreateTopic", error.Message, StringComparison.Ordinal);
        Assert.Contains("KAFKA_BOOTSTRAP_SERVERS", error.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<NotSupportedException>(error);
    }

    [Fact]
    public async Task EmbeddedBroker_WithoutAController_FailsAfterTheAdminTimeout_SayingItIsNotSupported()
    {
        await using var embedded = EmbeddedKafkaCluster.Start();
        embedded.SetControllerId(-1); // Start makes broker 1 the controller; take it away
        await using var host = AdminHost(embedded.BootstrapServers, TimeSpan.FromSeconds(1.5));
        var admin = host.Services.GetRequiredService<IKafkaAdminApi>();
        var watch = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<KafkaAdminNotSupportedException>(() => admin.CreateTopicAsync(new KafkaTopicSpec("never"), TestContext.Current.CancellationToken));

        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(15));
        Assert.Equal(ErrorCode.Local_TimedOut, error.Error.Code);
        Assert.StartsWith($"CreateTopics {NotSupportedText} (Local_TimedOut: Failed while waiting for controller", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EmbeddedBroker_DescribeTopics_ReportsPartitionsLeadersAndReplicas_WithoutConfigs()
    {
        await using var embedded = EmbeddedKafkaCluster.Start(brokerCount: 2);
        embedded.SetControllerId(1);
        embedded.CreateTopic("described", partitions: 3, replicationFactor: 2);
        await using var host = AdminHost(embedded.BootstrapServers, TimeSpan.FromSeconds(30));
        var admin = host.Services.GetRequiredService<IKafkaAdminApi>();

        var topic = Assert.Single(await admin.DescribeTopicsAsync(["described"], TestContext.Current.CancellationToken));

        Assert.Equal("described", topic.Name);
        Assert.False(topic.IsInternal);
        Assert.Equal([0, 1, 2], topic.Partitions.Select(p => p.Partition));
        Assert.All(topic.Partitions, p =>
        {
            Assert.Equal(2, p.Replicas.Count);
            Assert.Contains(p.Leader!.Value, p.Replicas);
            Assert.Equal(p.Replicas.Order(), p.InSyncReplicas.Order());
        });
        Assert.Null(topic.Configs); // the embedded broker does not serve DescribeConfigs
    }

    [Fact]
    public async Task EmbeddedBroker_DescribeTopics_WithAMissingTopic_ReportsEveryTopicsOutcome()
    {
        await using var embedded = EmbeddedKafkaCluster.Start();
        embedded.SetControllerId(1);
        embedded.CreateTopic("present", 1);
        await using var host = AdminHost(embedded.BootstrapServers, TimeSpan.FromSeconds(30));
        var admin = host.Services.GetRequiredService<IKafkaAdminApi>();

        var error = await Assert.ThrowsAsync<KafkaTopicOperationException>(() => admin.DescribeTopicsAsync(["present", "missing"], TestContext.Current.CancellationToken));

        Assert.Equal("DescribeTopics", error.Operation);
        Assert.Collection(
            error.Results,
            r => Assert.Equal(("present", true), (r.Topic, r.IsSuccess)),
            r => Assert.Equal(("missing", ErrorCode.UnknownTopicOrPart), (r.Topic, r.Error!.Code)));
        Assert.StartsWith("DescribeTopics failed for 1 of 2 topic(s): missing: UnknownTopicOrPart", error.Message, StringComparison.Ordinal);
        Assert.Contains("Succeeded: present.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidRequests_AreRefusedBeforeAnythingIsSent()
    {
        await using var host = AdminHost(_cluster.BootstrapServers, TimeSpan.FromSeconds(30));
        var admin = host.Services.GetRequiredService<IKafkaAdminApi>();
        var ct = TestContext.Current.CancellationToken;

        await Assert.ThrowsAsync<ArgumentException>(() => admin.CreateTopicsAsync([new KafkaTopicSpec("not a topic")], ct));
        await Assert.ThrowsAsync<ArgumentException>(() => admin.DeleteTopicsAsync(["ok", "bad/name"], ct));
        await Assert.ThrowsAsync<ArgumentException>(() => admin.AddAclsAsync([new KafkaAcl("User:a", "t", ResourcePatternType.Match, AclOperation.Read, AclPermissionType.Allow)], ct));
        await Assert.ThrowsAsync<ArgumentException>(() => admin.AddAclsAsync([new KafkaAcl("User:a", "t", ResourcePatternType.Literal, AclOperation.Any, AclPermissionType.Allow)], ct));
        Assert.Empty(await admin.CreateTopicsAsync([], ct));
        Assert.Null(host.Services.GetRequiredService<KafkaAdminApi>().ClientIfCreated);
    }

    [Theory]
    [InlineData(ErrorCode.Local_UnsupportedFeature, "whatever", true)]
    [InlineData(ErrorCode.UnsupportedVersion, "whatever", true)]
    [InlineData(ErrorCode.SecurityDisabled, "No Authorizer is configured on the broker", true)]
    [InlineData(ErrorCode.Local_TimedOut, "Failed while waiting for controller: Local: Timed out", true)]
    [InlineData(ErrorCode.Local_TimedOut, "Timed out waiting for response", false)]
    [InlineData(ErrorCode.TopicAlreadyExists, "exists", false)]
    [InlineData(ErrorCode.TopicAuthorizationFailed, "denied", false)]
    public void IsNotSupported_SeparatesMissingAdminSupportFromRefusals(ErrorCode code, string reason, bool notSupported) =>
        Assert.Equal(notSupported, AdminClientInvoker.IsNotSupported(new Error(code, reason)));

    [Fact]
    public async Task RealCluster_CreatesDescribesAltersAndDeletesTopics_ReportingPartialFailure()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = RealClusterHost();
        var admin = host.Services.GetRequiredService<IKafkaAdminApi>();
        var (compacted, plain, extra) = (_cluster.NewTopicName("admin-a"), _cluster.NewTopicName("admin-b"), _cluster.NewTopicName("admin-c"));

        var created = await admin.CreateTopicsAsync(
            [
                new KafkaTopicSpec(compacted) { Partitions = 3, ReplicationFactor = 1, Configs = new Dictionary<string, string> { ["cleanup.policy"] = "compact" } },
                new KafkaTopicSpec(plain) { Partitions = 1 },
            ],
            ct);
        var described = await admin.DescribeTopicsAsync([compacted, plain], ct);
        await admin.AlterTopicConfigsAsync(plain, new Dictionary<string, string?> { ["retention.ms"] = "3600000" }, ct);
        var altered = Assert.Single(await admin.DescribeTopicsAsync([plain], ct));
        var partial = await Assert.ThrowsAsync<KafkaTopicOperationException>(() => admin.CreateTopicsAsync([new KafkaTopicSpec(plain), new KafkaTopicSpec(extra)], ct));
        var deleted = await admin.DeleteTopicsAsync([compacted, plain, extra], ct);

        Assert.All(created, r => Assert.True(r.IsSuccess));
        Assert.Equal([3, 1], described.Select(d => d.Partitions.Count));
        Assert.Equal("compact", described[0].Configs!["cleanup.policy"]);
        Assert.Equal("3600000", altered.Configs!["retention.ms"]);
        Assert.Collection(
            partial.Results,
            r => Assert.Equal((plain, ErrorCode.TopicAlreadyExists), (r.Topic, r.Error!.Code)),
            r => Assert.Equal((extra, true), (r.Topic, r.IsSuccess)));
        Assert.Equal(3, deleted.Count);
        await Eventually.UntilAsync(
            () => IsGone(admin, plain, ct),
            WaitLimit,
            () => $"{plain} to be gone after deletion",
            ct);
    }

    [Fact]
    public async Task RealCluster_AddsListsAndDeletesAcls()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = RealClusterHost();
        var admin = host.Services.GetRequiredService<IKafkaAdminApi>();
        var topic = _cluster.NewTopicName("acl");
        var acl = new KafkaAcl("User:kafkaconnector-test", topic, ResourcePatternType.Literal, AclOperation.Read, AclPermissionType.Allow);

        try
        {
            await admin.AddAclsAsync([acl], ct);
        }
        catch (KafkaAdminNotSupportedException e) when (e.Error.Code == ErrorCode.SecurityDisabled)
        {
            Assert.Skip($"the cluster has no authorizer: {e.Message}");
        }

        var listed = await admin.ListAclsAsync(new KafkaAclFilter { Topic = topic }, ct);
        var deleted = await admin.DeleteAclsAsync([acl], ct);
        var after = await admin.ListAclsAsync(new KafkaAclFilter { Topic = topic }, ct);

        Assert.Equal([acl], listed);
        Assert.Equal([acl], deleted);
        Assert.Empty(after);
    }

    private ConnectorHost RealClusterHost()
    {
        Assert.SkipWhen(_cluster.IsEmbedded, "needs a real cluster: set KAFKA_BOOTSTRAP_SERVERS");
        return AdminHost(_cluster.BootstrapServers, TimeSpan.FromSeconds(30));
    }

    private static bool IsGone(IKafkaAdminApi admin, string topic, CancellationToken ct)
    {
        try
        {
            admin.DescribeTopicsAsync([topic], ct).GetAwaiter().GetResult();
            return false;
        }
        catch (KafkaTopicOperationException)
        {
            return true;
        }
    }

    private static ConnectorHost AdminHost(string bootstrapServers, TimeSpan adminTimeout) =>
        ConnectorHost.Create(bootstrapServers, configure: o => o.Admin["socket.timeout.ms"] = ((int)adminTimeout.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture));

    private static Task Run(IKafkaAdminApi admin, string operation, string topic, CancellationToken ct)
    {
        var acl = new KafkaAcl("User:alice", topic, ResourcePatternType.Literal, AclOperation.Write, AclPermissionType.Allow);
        return operation switch
        {
            "CreateTopics" => admin.CreateTopicsAsync([new KafkaTopicSpec("new-topic") { Partitions = 2, ReplicationFactor = 1 }], ct),
            "DeleteTopics" => admin.DeleteTopicsAsync([topic], ct),
            "AlterTopicConfigs" => admin.AlterTopicConfigsAsync(topic, new Dictionary<string, string?> { ["retention.ms"] = "1000" }, ct),
            "AddAcls" => admin.AddAclsAsync([acl], ct),
            "DeleteAcls" => admin.DeleteAclsAsync([acl], ct),
            "ListAcls" => admin.ListAclsAsync(new KafkaAclFilter { Topic = topic }, ct),
            _ => throw new ArgumentOutOfRangeException(nameof(operation), operation, null),
        };
    }
}
