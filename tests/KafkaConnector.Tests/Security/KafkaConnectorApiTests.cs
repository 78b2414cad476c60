using System.Collections.Concurrent;
using System.Security.Claims;
using KafkaConnector.Consumers;
using KafkaConnector.Messages;
using KafkaConnector.Receivers;
using KafkaConnector.Security;
using KafkaConnector.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KafkaConnector.Tests.Security;

public sealed class KafkaConnectorApiTests(KafkaFixture fixture)
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(60);
    private readonly KafkaTestCluster _cluster = fixture.Cluster;

    private static void Allow(KafkaPermissionOptions o, string role, string[] actions, params string[] resources)
    {
        var rule = new KafkaPermissionRule { Roles = { role } };
        Array.ForEach(actions, rule.Actions.Add);
        Array.ForEach(resources, rule.Resources.Add);
        o.Rules.Add(rule);
    }

    [Fact]
    public async Task AllowedCaller_ProducesAndConsumes_ThroughTheCheckedApi()
    {
        var ct = TestContext.Current.CancellationToken;
        var topic = await _cluster.CreateNewTopicAsync("secure-roundtrip", 1, ct);
        await using var connector = SecureConnector.Create(_cluster, o => Allow(o, "app", ["Produce", "Consume"], topic));
        var app = Principals.User("svc", "app");
        var received = new ConcurrentQueue<string?>();

        var stream = await connector.Api.ConsumeReactiveAsync(app, _cluster.NewGroupId(), [topic], ct);
        using (stream.Subscribe(m => received.Enqueue(m.ValueAsString())))
        {
            await connector.Api.ProduceAsync(app, KafkaMessage.FromText(topic, null, "awaited"), ct);
            await connector.Api.EnqueueAsync(app, KafkaMessage.FromText(topic, null, "queued"), cancellationToken: ct);
            await Eventually.UntilAsync(() => received.Count >= 2, WaitLimit, () => $"2 messages, got [{string.Join(',', received)}]", ct);
        }

        Assert.Equal(["awaited", "queued"], received);
    }

    [Fact]
    public async Task ConsumeAsync_ChecksArgumentsAtTheCall_AndTheCallerAtTheFirstMoveNext_BeforeAConsumerIsCreated()
    {
        var ct = TestContext.Current.CancellationToken;
        var topic = await _cluster.CreateNewTopicAsync("secure-stream", 1, ct);
        await using var connector = SecureConnector.Create(_cluster, o => Allow(o, "app", ["Produce", "Consume"], topic));
        var app = Principals.User("svc", "app");
        var group = _cluster.NewGroupId();

        var noPrincipal = Assert.Throws<ArgumentNullException>(() => connector.Api.ConsumeAsync(null!, group, KafkaSubscription.ToTopics(topic), cancellationToken: ct));
        var noGroup = Assert.Throws<ArgumentException>(() => connector.Api.ConsumeAsync(app, null, KafkaSubscription.ToTopics(topic), cancellationToken: ct));
        var denied = connector.Api.ConsumeAsync(Principals.User("mallory", "guest"), group, KafkaSubscription.ToTopics(topic), cancellationToken: ct);
        Assert.Empty(connector.Denials); // nothing is checked before the enumeration starts
        await using (var enumerator = denied.GetAsyncEnumerator(ct))
        {
            var refused = await Assert.ThrowsAsync<KafkaPermissionDeniedException>(() => enumerator.MoveNextAsync().AsTask());
            Assert.Equal(topic, refused.Resource);
        }

        Assert.Empty(connector.Calls);
        await connector.Api.ProduceAsync(app, KafkaMessage.FromText(topic, null, "hello"), ct);
        string? first = null;
        await foreach (var message in connector.Api.ConsumeAsync(app, group, KafkaSubscription.ToTopics(topic), cancellationToken: ct))
        {
            first = message.ValueAsString();
            break;
        }

        Assert.Equal("principal", noPrincipal.ParamName);
        Assert.Equal("groupId", noGroup.ParamName);
        Assert.Equal("hello", first);
        Assert.Single(connector.Denials);
        Assert.Equal(["IKafkaConnectorSystemApi.ProduceAsync", "IKafkaConnectorSystemApi.ConsumeAsync"], connector.Calls);
    }

    [Fact]
    public async Task DeniedProduce_WritesNothing_ToTheTopic()
    {
        var ct = TestContext.Current.CancellationToken;
        var topic = await _cluster.CreateNewTopicAsync("secure-denied", 1, ct);
        await using var connector = SecureConnector.Create(_cluster, o => Allow(o, "app", ["Produce"], topic));

        await Assert.ThrowsAsync<KafkaPermissionDeniedException>(() => connector.Api.ProduceAsync(Principals.User("mallory", "guest"), KafkaMessage.FromText(topic, null, "x"), ct));
        await Assert.ThrowsAsync<KafkaPermissionDeniedException>(() => connector.Api.EnqueueAsync(Principals.Anonymous("app"), KafkaMessage.FromText(topic, null, "y"), cancellationToken: ct).AsTask());
        // Same producer, same partition: a message queued by a denied call would come before this one.
        var marker = await connector.Api.ProduceAsync(Principals.User("svc", "app"), KafkaMessage.FromText(topic, null, "marker"), ct);

        Assert.Equal(0, marker.Offset);
    }

    [Fact]
    public async Task WildcardAndPatternRules_AllowOnlyWhatTheyName()
    {
        var ct = TestContext.Current.CancellationToken;
        var prefix = _cluster.NewTopicName("orders");
        await using var connector = SecureConnector.Create(_cluster, o => Allow(o, "orders-team", ["Produce", "Consume"], $"{prefix}-*", $"^{prefix}-.*"));
        var team = Principals.User("olga", "orders-team");

        var delivered = await connector.Api.ProduceAsync(team, KafkaMessage.FromText($"{prefix}-eu", null, "ok"), ct);
        var otherTopic = await Assert.ThrowsAsync<KafkaPermissionDeniedException>(() => connector.Api.ProduceAsync(team, KafkaMessage.FromText($"{prefix}eu", null, "no"), ct));
        var samePattern = await connector.Api.ConsumeReactivePatternAsync(team, _cluster.NewGroupId(), $"{prefix}-.*", ct);
        var widerPattern = await Assert.ThrowsAsync<KafkaPermissionDeniedException>(() => connector.Api.ConsumeReactivePatternAsync(team, _cluster.NewGroupId(), $"{prefix}.*", ct));
        var oneDenied = await Assert.ThrowsAsync<KafkaPermissionDeniedException>(() => connector.Api.ConsumeReactiveAsync(team, _cluster.NewGroupId(), [$"{prefix}-eu", "payments"], ct));

        Assert.True(delivered.IsSuccess);
        Assert.Equal($"{prefix}eu", otherTopic.Resource);
        Assert.NotNull(samePattern);
        Assert.Equal($"^{prefix}.*", widerPattern.Resource);
        Assert.Equal("payments", oneDenied.Resource);
        Assert.Equal(["IKafkaConnectorSystemApi.ProduceAsync", "IKafkaConnectorSystemApi.ConsumeReactive"], connector.Calls);
    }

    [Fact]
    public async Task CustomEvaluator_RegisteredBeforeAddPermissions_DecidesEveryCall()
    {
        var evaluator = new NameEvaluator("trusted");
        await using var connector = SecureConnector.Create(_cluster, servicesBeforePermissions: s => s.AddSingleton<IKafkaPermissionEvaluator>(evaluator));

        await AssertEvaluatorDecidesAsync(connector, evaluator);
    }

    [Fact]
    public async Task CustomEvaluator_RegisteredAfterAddPermissions_Wins()
    {
        var evaluator = new NameEvaluator("trusted");
        await using var connector = SecureConnector.Create(
            _cluster,
            rules: o => Allow(o, "app", ["*"], "*"),
            services: s => s.AddSingleton<IKafkaPermissionEvaluator>(evaluator));

        await AssertEvaluatorDecidesAsync(connector, evaluator);
        // The configured rule would have allowed this caller: the custom evaluator replaced it.
        await Assert.ThrowsAsync<KafkaPermissionDeniedException>(() => connector.Api.ProduceAsync(Principals.User("someone", "app"), KafkaMessage.FromText("t", null, "x"), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task EvaluatorThatThrows_RefusesTheCall_WithItsOwnException_AndCountsAnError()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var connector = SecureConnector.Create(_cluster, services: s => s.AddSingleton<IKafkaPermissionEvaluator>(new ThrowingEvaluator()));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => connector.Api.ProduceAsync(Principals.User("a", "app"), KafkaMessage.FromText("t", null, "x"), ct));

        Assert.Equal("policy store unreachable", error.Message);
        Assert.Empty(connector.Calls);
        Assert.Equal("error", Assert.Single(connector.Denials)["kafkaconnector.outcome"]);
    }

    [Fact]
    public async Task EveryDecision_IsAudited_WithStableEventIds_AndNoPrincipalInMetrics()
    {
        var ct = TestContext.Current.CancellationToken;
        var topic = await _cluster.CreateNewTopicAsync("secure-audit", 1, ct);
        var log = new CapturedLog();
        await using var connector = SecureConnector.Create(
            _cluster,
            rules: o => Allow(o, "app", ["Produce"], topic),
            services: s => s.AddLogging(b => b.AddProvider(log).SetMinimumLevel(LogLevel.Debug)));

        await connector.Api.ProduceAsync(Principals.User("svc", "app"), KafkaMessage.FromText(topic, null, "ok"), ct);
        await Assert.ThrowsAsync<KafkaPermissionDeniedException>(() => connector.Api.ProduceAsync(Principals.User("mallory"), KafkaMessage.FromText(topic, null, "no"), ct));
        await Assert.ThrowsAsync<KafkaPermissionDeniedException>(() => connector.Api.ProduceAsync(Principals.Anonymous(), KafkaMessage.FromText(topic, null, "no"), ct));

        var audit = log.Entries.Where(e => e.Category == "KafkaConnector.Security.Audit").ToList();
        Assert.Collection(
            audit,
            e => Assert.Equal((3000, LogLevel.Debug, $"Allowed Produce on '{topic}' for svc"), (e.Id.Id, e.Level, e.Message)),
            e => Assert.Equal((3001, LogLevel.Warning, $"Denied Produce on '{topic}' for mallory (denied)"), (e.Id.Id, e.Level, e.Message)),
            e => Assert.Equal((3001, LogLevel.Warning, $"Denied Produce on '{topic}' for (anonymous) (unauthenticated)"), (e.Id.Id, e.Level, e.Message)));
        Assert.All(connector.Denials, tags => Assert.Equal(["kafkaconnector.action", "kafkaconnector.outcome"], tags.Keys.Order(StringComparer.Ordinal)));
        Assert.Equal(2, connector.Denials.Count);
    }

    [Fact]
    public async Task ReceiverRules_AViewerReadsWithoutControlling_AndControlOfSomeReceiversIsNotControlOfAll()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var connector = SecureConnector.Create(_cluster, o =>
        {
            Allow(o, "viewer", ["ReceiverView"], "*");
            Allow(o, "orders-ops", ["ReceiverControl"], "Order*");
        });
        var viewer = Principals.User("vera", "viewer");
        var ops = Principals.User("otto", "orders-ops");

        Assert.Empty(await connector.Api.GetReceiverStatusAsync(viewer, ct));
        var viewerPause = await Assert.ThrowsAsync<KafkaPermissionDeniedException>(() => connector.Api.PauseReceiverAsync(viewer, "OrderReceiver", ct));
        var opsView = await Assert.ThrowsAsync<KafkaPermissionDeniedException>(() => connector.Api.GetReceiverStatusAsync(ops, ct));
        // Allowed: the control itself answers that this node has no such receiver.
        var unknown = await Assert.ThrowsAsync<KafkaReceiverNotFoundException>(() => connector.Api.PauseReceiverAsync(ops, "OrderReceiver", ct));
        var otherReceiver = await Assert.ThrowsAsync<KafkaPermissionDeniedException>(() => connector.Api.RestartReceiverAsync(ops, "BillingReceiver", ct));
        var all = await Assert.ThrowsAsync<KafkaPermissionDeniedException>(() => connector.Api.PauseAllReceiversAsync(ops, ct));
        await Assert.ThrowsAsync<ArgumentException>(() => connector.Api.ResumeReceiverAsync(ops, " ", ct));

        Assert.Equal("Permission denied: ReceiverControl on 'OrderReceiver'.", viewerPause.Message);
        Assert.Equal("Permission denied: ReceiverView on '*'.", opsView.Message);
        Assert.Equal(("OrderReceiver", "receiverId"), (unknown.ReceiverId, unknown.ParamName));
        Assert.StartsWith("No receiver has id 'OrderReceiver'; the node's receivers are: none.", unknown.Message, StringComparison.Ordinal);
        Assert.Equal("BillingReceiver", otherReceiver.Resource);
        Assert.Equal("*", all.Resource);
        Assert.Equal(["IKafkaConnectorStatus.GetReceiverStatus", "IKafkaReceiverControl.PauseAsync"], connector.Calls);
    }

    private async Task AssertEvaluatorDecidesAsync(SecureConnector connector, NameEvaluator evaluator)
    {
        var ct = TestContext.Current.CancellationToken;
        var topic = _cluster.NewTopicName("secure-custom");

        await connector.Api.ProduceAsync(Principals.User("trusted"), KafkaMessage.FromText(topic, null, "ok"), ct);
        await Assert.ThrowsAsync<KafkaPermissionDeniedException>(() => connector.Api.ProduceAsync(Principals.User("other"), KafkaMessage.FromText(topic, null, "no"), ct));

        Assert.Equal([("trusted", KafkaConnectorAction.Produce, topic), ("other", KafkaConnectorAction.Produce, topic)], evaluator.Asked.Take(2));
    }

    /// <summary>Allows exactly the callers named <paramref name="allowed"/>, and remembers what it was asked.</summary>
    private sealed class NameEvaluator(string allowed) : IKafkaPermissionEvaluator
    {
        public ConcurrentQueue<(string? Name, KafkaConnectorAction Action, string Resource)> Asked { get; } = new();

        public async ValueTask<bool> IsAllowedAsync(ClaimsPrincipal principal, KafkaConnectorAction action, string resource, CancellationToken cancellationToken)
        {
            await Task.Yield();
            Asked.Enqueue((principal.Identity?.Name, action, resource));
            return principal.Identity?.Name == allowed;
        }
    }

    private sealed class ThrowingEvaluator : IKafkaPermissionEvaluator
    {
        public ValueTask<bool> IsAllowedAsync(ClaimsPrincipal principal, KafkaConnectorAction action, string resource, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("policy store unreachable");
    }
}
