using System.Reflection;
using System.Runtime.CompilerServices;
using System.Security.Claims;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using KafkaConnector.Admin;
using KafkaConnector.Consumers;
using KafkaConnector.Messages;
using KafkaConnector.Security;
using KafkaConnector.EmbeddedKafka;
using KafkaConnector.Testing;

namespace KafkaConnector.Tests.Security;

/// <summary>
/// Every public method of <see cref="IKafkaConnectorApi"/> (and every extension method on it) is
/// called by an allowed, a denied and an anonymous caller. A method without an entry here fails
/// <see cref="EveryPublicMethod_HasAMatrixEntry"/>.
/// </summary>
public sealed class KafkaConnectorApiPermissionMatrixTests(KafkaFixture fixture)
{
    private const string Writer = "writer";
    private const string Reader = "reader";

    /// <summary>What each method is called with, the action and resource it must be checked for, and the system call it must make when allowed.</summary>
    private static readonly Dictionary<string, Entry> Matrix = new(StringComparer.Ordinal)
    {
        ["ProduceAsync(ClaimsPrincipal, KafkaMessage, CancellationToken)"] = new(
            KafkaConnectorAction.Produce, c => c.Topic, "IKafkaConnectorSystemApi.ProduceAsync",
            (c, p) => c.Api.ProduceAsync(p, KafkaMessage.FromText(c.Topic, null, "m"), c.Ct)),
        ["EnqueueAsync(ClaimsPrincipal, KafkaMessage, Action<KafkaDeliveryResult>, CancellationToken)"] = new(
            KafkaConnectorAction.Produce, c => c.Topic, "IKafkaConnectorSystemApi.Enqueue",
            (c, p) => c.Api.EnqueueAsync(p, KafkaMessage.FromText(c.Topic, null, "m"), _ => { }, c.Ct).AsTask()),
        ["ConsumeReactiveAsync(ClaimsPrincipal, String, KafkaSubscription, KafkaReactiveConsumeOptions, CancellationToken)"] = new(
            KafkaConnectorAction.Consume, c => c.Topic, "IKafkaConnectorSystemApi.ConsumeReactive",
            (c, p) => c.Api.ConsumeReactiveAsync(p, c.Group, KafkaSubscription.ToTopics(c.Topic), new KafkaReactiveConsumeOptions(), c.Ct)),
        ["ConsumeReactiveAsync(ClaimsPrincipal, String, IEnumerable<String>, CancellationToken)"] = new(
            KafkaConnectorAction.Consume, c => c.Topic, "IKafkaConnectorSystemApi.ConsumeReactive",
            (c, p) => c.Api.ConsumeReactiveAsync(p, c.Group, [c.Topic], c.Ct)),
        ["ConsumeReactiveAsync(ClaimsPrincipal, String, IEnumerable<String>, Action<IReadOnlyList<TopicPartition>>, Action<IReadOnlyList<TopicPartition>>, CancellationToken)"] = new(
            KafkaConnectorAction.Consume, c => c.Topic, "IKafkaConnectorSystemApi.ConsumeReactive",
            (c, p) => c.Api.ConsumeReactiveAsync(p, c.Group, [c.Topic], _ => { }, _ => { }, c.Ct)),
        ["ConsumeReactiveAsync(ClaimsPrincipal, IEnumerable<TopicPartitionOffset>, CancellationToken)"] = new(
            KafkaConnectorAction.Consume, c => c.Topic, "IKafkaConnectorSystemApi.ConsumeReactive",
            (c, p) => c.Api.ConsumeReactiveAsync(p, [new TopicPartitionOffset(c.Topic, 0, Offset.Beginning)], c.Ct)),
        ["ConsumeReactiveAsync(ClaimsPrincipal, String, String, Int32, CancellationToken)"] = new(
            KafkaConnectorAction.Consume, c => c.Topic, "IKafkaConnectorSystemApi.ConsumeReactive",
            (c, p) => c.Api.ConsumeReactiveAsync(p, c.Group, c.Topic, 0, c.Ct)),
        ["ConsumeReactivePatternAsync(ClaimsPrincipal, String, String, CancellationToken)"] = new(
            KafkaConnectorAction.Consume, c => $"^{c.Topic}.*", "IKafkaConnectorSystemApi.ConsumeReactive",
            (c, p) => c.Api.ConsumeReactivePatternAsync(p, c.Group, $"{c.Topic}.*", c.Ct)),
        ["ConsumeAsync(ClaimsPrincipal, String, KafkaSubscription, KafkaConsumeStreamOptions, CancellationToken)"] = new(
            KafkaConnectorAction.Consume, c => c.Topic, "IKafkaConnectorSystemApi.ConsumeAsync", EnumerateUntilAssignedAsync),
        ["CreateTopicsAsync(ClaimsPrincipal, IEnumerable<KafkaTopicSpec>, CancellationToken)"] = new(
            KafkaConnectorAction.TopicAdd, c => c.Topic, "IKafkaAdminApi.CreateTopicsAsync",
            (c, p) => c.Api.CreateTopicsAsync(p, [new KafkaTopicSpec(c.Topic) { Partitions = 1 }], c.Ct)),
        ["CreateTopicAsync(ClaimsPrincipal, KafkaTopicSpec, CancellationToken)"] = new(
            KafkaConnectorAction.TopicAdd, c => c.Topic, "IKafkaAdminApi.CreateTopicsAsync",
            (c, p) => c.Api.CreateTopicAsync(p, new KafkaTopicSpec(c.Topic), c.Ct)),
        ["DeleteTopicsAsync(ClaimsPrincipal, IEnumerable<String>, CancellationToken)"] = new(
            KafkaConnectorAction.TopicDelete, c => c.Topic, "IKafkaAdminApi.DeleteTopicsAsync",
            (c, p) => c.Api.DeleteTopicsAsync(p, [c.Topic], c.Ct)),
        ["DeleteTopicAsync(ClaimsPrincipal, String, CancellationToken)"] = new(
            KafkaConnectorAction.TopicDelete, c => c.Topic, "IKafkaAdminApi.DeleteTopicsAsync",
            (c, p) => c.Api.DeleteTopicAsync(p, c.Topic, c.Ct)),
        ["DescribeTopicsAsync(ClaimsPrincipal, IEnumerable<String>, CancellationToken)"] = new(
            KafkaConnectorAction.TopicDescribe, c => c.Topic, "IKafkaAdminApi.DescribeTopicsAsync",
            (c, p) => c.Api.DescribeTopicsAsync(p, [c.Topic], c.Ct)),
        ["AlterTopicConfigsAsync(ClaimsPrincipal, String, IReadOnlyDictionary<String, String>, CancellationToken)"] = new(
            KafkaConnectorAction.TopicAlter, c => c.Topic, "IKafkaAdminApi.AlterTopicConfigsAsync",
            (c, p) => c.Api.AlterTopicConfigsAsync(p, c.Topic, new Dictionary<string, string?> { ["retention.ms"] = "60000" }, c.Ct)),
        ["AddAclsAsync(ClaimsPrincipal, IEnumerable<KafkaAcl>, CancellationToken)"] = new(
            KafkaConnectorAction.AclAdd, c => c.Topic, "IKafkaAdminApi.AddAclsAsync",
            (c, p) => c.Api.AddAclsAsync(p, [Acl(c.Topic)], c.Ct)),
        ["DeleteAclsAsync(ClaimsPrincipal, IEnumerable<KafkaAcl>, CancellationToken)"] = new(
            KafkaConnectorAction.AclDelete, c => c.Topic, "IKafkaAdminApi.DeleteAclsAsync",
            (c, p) => c.Api.DeleteAclsAsync(p, [Acl(c.Topic)], c.Ct)),
        ["ListAclsAsync(ClaimsPrincipal, KafkaAclFilter, CancellationToken)"] = new(
            KafkaConnectorAction.AclList, c => c.Topic, "IKafkaAdminApi.ListAclsAsync",
            (c, p) => c.Api.ListAclsAsync(p, new KafkaAclFilter { Topic = c.Topic }, c.Ct)),
        ["ListGroupOffsetsAsync(ClaimsPrincipal, String, IEnumerable<String>, CancellationToken)"] = new(
            KafkaConnectorAction.GroupDescribe, c => c.Group, "IKafkaAdminApi.ListGroupOffsetsAsync",
            (c, p) => c.Api.ListGroupOffsetsAsync(p, c.Group, [c.Topic], c.Ct)),
        ["ResetGroupOffsetsAsync(ClaimsPrincipal, String, String, KafkaOffsetTarget, IEnumerable<Int32>, CancellationToken)"] = new(
            KafkaConnectorAction.GroupReset, c => c.Group, "IKafkaAdminApi.ResetGroupOffsetsAsync",
            (c, p) => c.Api.ResetGroupOffsetsAsync(p, c.Group, c.Topic, KafkaOffsetTarget.Earliest, [0], c.Ct)),
        ["ListGroupsAsync(ClaimsPrincipal, CancellationToken)"] = new(
            KafkaConnectorAction.GroupList, _ => "*", "IKafkaAdminApi.ListGroupsAsync",
            (c, p) => c.Api.ListGroupsAsync(p, c.Ct)),
        ["DescribeGroupsAsync(ClaimsPrincipal, IEnumerable<String>, CancellationToken)"] = new(
            KafkaConnectorAction.GroupDescribe, c => c.Group, "IKafkaAdminApi.DescribeGroupsAsync",
            (c, p) => c.Api.DescribeGroupsAsync(p, [c.Group], c.Ct)),
        // Receivers: the id is the resource (no receiver has it: an allowed call reaches the control, which refuses the id), * for all of them.
        ["GetReceiverStatusAsync(ClaimsPrincipal, CancellationToken)"] = new(
            KafkaConnectorAction.ReceiverView, _ => "*", "IKafkaConnectorStatus.GetReceiverStatus", (c, p) => c.Api.GetReceiverStatusAsync(p, c.Ct)),
        ["PauseReceiverAsync(ClaimsPrincipal, String, CancellationToken)"] = new(
            KafkaConnectorAction.ReceiverControl, c => c.Topic, "IKafkaReceiverControl.PauseAsync", (c, p) => c.Api.PauseReceiverAsync(p, c.Topic, c.Ct)),
        ["ResumeReceiverAsync(ClaimsPrincipal, String, CancellationToken)"] = new(
            KafkaConnectorAction.ReceiverControl, c => c.Topic, "IKafkaReceiverControl.ResumeAsync", (c, p) => c.Api.ResumeReceiverAsync(p, c.Topic, c.Ct)),
        ["RestartReceiverAsync(ClaimsPrincipal, String, CancellationToken)"] = new(
            KafkaConnectorAction.ReceiverControl, c => c.Topic, "IKafkaReceiverControl.RestartAsync", (c, p) => c.Api.RestartReceiverAsync(p, c.Topic, c.Ct)),
        ["PauseAllReceiversAsync(ClaimsPrincipal, CancellationToken)"] = new(
            KafkaConnectorAction.ReceiverControl, _ => "*", "IKafkaReceiverControl.PauseAllAsync", (c, p) => c.Api.PauseAllReceiversAsync(p, c.Ct)),
        ["ResumeAllReceiversAsync(ClaimsPrincipal, CancellationToken)"] = new(
            KafkaConnectorAction.ReceiverControl, _ => "*", "IKafkaReceiverControl.ResumeAllAsync", (c, p) => c.Api.ResumeAllReceiversAsync(p, c.Ct)),
        ["RestartAllReceiversAsync(ClaimsPrincipal, CancellationToken)"] = new(
            KafkaConnectorAction.ReceiverControl, _ => "*", "IKafkaReceiverControl.RestartAllAsync", (c, p) => c.Api.RestartAllReceiversAsync(p, c.Ct)),
    };

    private readonly KafkaTestCluster _cluster = fixture.Cluster;

    public enum Caller
    {
        Allowed,
        Denied,
        Anonymous,
    }

    public static TheoryData<string, Caller> Cases()
    {
        var data = new TheoryData<string, Caller>();
        foreach (var signature in Matrix.Keys.Order(StringComparer.Ordinal))
        {
            foreach (var caller in Enum.GetValues<Caller>())
            {
                data.Add(signature, caller);
            }
        }

        return data;
    }

    [Fact]
    public void EveryPublicMethod_HasAMatrixEntry()
    {
        var methods = PublicMethods().ToList();

        Assert.Equal(methods.Count, methods.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(Matrix.Keys.Order(StringComparer.Ordinal), methods.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Method_IsCheckedBeforeAnythingReachesKafka(string signature, Caller caller)
    {
        var entry = Matrix[signature];
        // The embedded broker answers admin requests at once (not supported) only when it reports a controller.
        await using var embedded = _cluster.IsEmbedded ? EmbeddedKafkaCluster.Start() : null;
        embedded?.SetControllerId(1);
        await using var connector = SecureConnector.Create(
            embedded?.BootstrapServers ?? _cluster.BootstrapServers,
            embedded is not null,
            rules: o =>
            {
                o.Rules.Add(Rule(Writer, "*"));
                o.Rules.Add(Rule(Reader, "elsewhere"));
            },
            configure: o => o.Admin["socket.timeout.ms"] = "10000");
        var context = new Context(connector.Api, _cluster.NewTopicName("matrix"), _cluster.NewGroupId("matrix"), TestContext.Current.CancellationToken);
        var principal = caller switch
        {
            Caller.Allowed => Principals.User("alice", Writer),
            Caller.Denied => Principals.User("bob", Reader),
            _ => Principals.Anonymous(Writer),
        };

        var error = await Record.ExceptionAsync(() => entry.Invoke(context, principal));

        if (caller == Caller.Allowed)
        {
            // Reaching Kafka may still fail (the embedded broker has no topic admin); the check must not.
            Assert.False(error is KafkaPermissionDeniedException, $"{signature} was denied to an allowed caller: {error}");
            Assert.Contains(entry.Forwards, connector.Calls);
            Assert.Empty(connector.Denials);
        }
        else
        {
            var denied = Assert.IsType<KafkaPermissionDeniedException>(error);
            Assert.Equal(entry.Action, denied.Action);
            Assert.Equal(entry.Resource(context), denied.Resource);
            Assert.Equal($"Permission denied: {entry.Action} on '{entry.Resource(context)}'.", denied.Message);
            Assert.Empty(connector.Calls);
            var tags = Assert.Single(connector.Denials);
            Assert.Equal(
                new Dictionary<string, string?>
                {
                    ["kafkaconnector.action"] = entry.Action.ToString(),
                    ["kafkaconnector.outcome"] = caller == Caller.Denied ? "denied" : "unauthenticated",
                },
                tags);
        }
    }

    /// <summary>Public instance methods of the interface and public extension methods on it, as <c>Name(ParameterTypes)</c> without the receiver.</summary>
    private static IEnumerable<string> PublicMethods()
    {
        var api = typeof(IKafkaConnectorApi);
        foreach (var method in api.GetMethods())
        {
            yield return Signature(method, method.GetParameters());
        }

        var extensions = api.Assembly.GetExportedTypes()
            .Where(t => t is { IsAbstract: true, IsSealed: true })
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static))
            .Where(m => m.IsDefined(typeof(ExtensionAttribute)) && m.GetParameters()[0].ParameterType == api);
        foreach (var method in extensions)
        {
            yield return Signature(method, method.GetParameters()[1..]);
        }
    }

    private static string Signature(MethodInfo method, ParameterInfo[] parameters) =>
        $"{method.Name}({string.Join(", ", parameters.Select(p => TypeName(p.ParameterType)))})";

    private static string TypeName(Type type) => type.IsGenericType
        ? $"{type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)]}<{string.Join(", ", type.GetGenericArguments().Select(TypeName))}>"
        : type.Name;

    /// <summary>
    /// Enumerates ConsumeAsync until its consumer has the partition, proof that the enumeration reached
    /// the system side; a refused check throws from the first MoveNextAsync instead.
    /// </summary>
    private static async Task EnumerateUntilAssignedAsync(Context c, ClaimsPrincipal principal)
    {
        using var assigned = CancellationTokenSource.CreateLinkedTokenSource(c.Ct);
        var options = new KafkaConsumeStreamOptions { OnPartitionsAssigned = _ => assigned.Cancel() };
        try
        {
            await foreach (var _ in c.Api.ConsumeAsync(principal, c.Group, KafkaSubscription.ToPartition(c.Topic, 0), options, assigned.Token))
            {
            }
        }
        catch (OperationCanceledException) when (!c.Ct.IsCancellationRequested)
        {
            // Assigned: the enumeration ran.
        }
    }

    private static KafkaPermissionRule Rule(string role, string resource) => new() { Roles = { role }, Actions = { "*" }, Resources = { resource } };

    private static KafkaAcl Acl(string topic) => new("User:carol", topic, ResourcePatternType.Literal, AclOperation.Read, AclPermissionType.Allow);

    private sealed record Context(IKafkaConnectorApi Api, string Topic, string Group, CancellationToken Ct);

    private sealed record Entry(KafkaConnectorAction Action, Func<Context, string> Resource, string Forwards, Func<Context, ClaimsPrincipal, Task> Invoke);
}
