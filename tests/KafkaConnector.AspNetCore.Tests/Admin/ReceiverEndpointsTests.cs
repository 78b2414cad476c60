using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using KafkaConnector.AspNetCore.Admin;
using KafkaConnector.Configuration;
using KafkaConnector.Messages;
using KafkaConnector.Receivers;
using KafkaConnector.Security;
using KafkaConnector.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace KafkaConnector.AspNetCore.Tests.Admin;

/// <summary>What each receiver of a node got, in order, by receiver.</summary>
internal sealed class Deliveries
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> _received = new(StringComparer.Ordinal);

    /// <summary>While true, <see cref="LedgerReceiver"/> throws on the value <c>poison</c>.</summary>
    public volatile bool Poisoned = true;

    public void Add(string receiver, KafkaMessage message) => _received.GetOrAdd(receiver, _ => new()).Enqueue(message.ValueAsString() ?? "");

    public IReadOnlyList<string> Of(string receiver) => _received.TryGetValue(receiver, out var queue) ? [.. queue] : [];
}

internal sealed class InboxReceiver(Deliveries deliveries) : IKafkaMessageReceiver
{
    public Task ReceiveAsync(KafkaMessage message, CancellationToken cancellationToken)
    {
        deliveries.Add(nameof(InboxReceiver), message);
        return Task.CompletedTask;
    }
}

/// <summary>Reads the same topic in a group of its own: what it got, a paused receiver of the node's group could have got.</summary>
internal sealed class WitnessReceiver(Deliveries deliveries) : IKafkaMessageReceiver
{
    public Task ReceiveAsync(KafkaMessage message, CancellationToken cancellationToken)
    {
        deliveries.Add(nameof(WitnessReceiver), message);
        return Task.CompletedTask;
    }
}

internal sealed class LedgerReceiver(Deliveries deliveries) : IKafkaMessageReceiver
{
    public Task ReceiveAsync(KafkaMessage message, CancellationToken cancellationToken)
    {
        if (deliveries.Poisoned && message.ValueAsString() == "poison")
        {
            throw new InvalidOperationException("ledger entry rejected");
        }

        deliveries.Add(nameof(LedgerReceiver), message);
        return Task.CompletedTask;
    }
}

/// <summary>The receiver endpoints on a real node with real receivers on the embedded broker (or the cluster the tests run against).</summary>
public sealed class ReceiverEndpointsTests(KafkaFixture fixture)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private readonly KafkaTestCluster _cluster = fixture.Cluster;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Task<WebNode> StartAsync(Action<IKafkaConnectorBuilder> receivers) =>
        WebNode.StartAsync(
            _cluster,
            app => app.MapKafkaAdmin(),
            build: b =>
            {
                b.Services.AddSingleton<Deliveries>();
                receivers(b);
            },
            permissions: o =>
            {
                o.Rules.Add(new KafkaPermissionRule { Roles = { "viewer" }, Actions = { "ReceiverView" }, Resources = { "*" } });
                o.Rules.Add(new KafkaPermissionRule { Roles = { "inbox-ops" }, Actions = { "ReceiverControl" }, Resources = { "Inbox*" } });
            });

    [Fact]
    public async Task Get_lists_the_receiver_with_its_group_and_partitions_to_a_viewer()
    {
        var topic = await _cluster.CreateNewTopicAsync("rcv-list", partitions: 2, Ct);
        var group = _cluster.NewGroupId("rcv-witness");
        await using var node = await StartAsync(b => b.AddReceiver<InboxReceiver>(topic).AddReceiver<WitnessReceiver>(topic, configure: r => r.InGroup(group)));
        using var viewer = node.Client("vera", "viewer");

        var receivers = await UntilListedAsync(viewer, r => r.Length == 2 && r.All(x => x.State == "Running" && x.Partitions.Count == 2), "both receivers running, each with both partitions");

        var inbox = Assert.Single(receivers, r => r.Id == "InboxReceiver");
        Assert.Equal(("InboxReceiver", topic, false, 0), (inbox.Name, inbox.TopicFilter, inbox.SharesWork, inbox.InFlight));
        Assert.StartsWith("hyperiot_", inbox.GroupId, StringComparison.Ordinal); // the node's own group
        Assert.Equal([(topic, 0), (topic, 1)], inbox.Partitions.Select(p => (p.Topic, p.Partition)));
        Assert.Null(inbox.LastError);
        var witness = Assert.Single(receivers, r => r.Id == "WitnessReceiver");
        Assert.Equal((group, true), (witness.GroupId, witness.SharesWork));
        Assert.Equal([0, 1], witness.Partitions.Select(p => p.Partition));
    }

    [Fact]
    public async Task Pause_holds_back_what_is_produced_meanwhile_until_resume_then_delivers_it_all()
    {
        var (node, topic) = await StartInboxAndWitnessAsync("rcv-pause");
        await using var _ = node;
        using var ops = node.Client("otto", "inbox-ops,viewer");
        var deliveries = node.Services.GetRequiredService<Deliveries>();
        var kafka = node.Services.GetRequiredService<IKafkaConnectorSystemApi>();
        await kafka.ProduceAsync(KafkaMessage.FromText(topic, "k", "before"), Ct);
        await Eventually.UntilAsync(() => deliveries.Of(nameof(InboxReceiver)).Count == 1, Wait, () => "InboxReceiver to get 'before'", Ct);

        using var pause = await ops.PostAsync("/kafka/receivers/InboxReceiver/pause", null, Ct);
        Assert.Equal(HttpStatusCode.NoContent, pause.StatusCode);
        var paused = Assert.Single(await ListAsync(ops), r => r.Id == "InboxReceiver");
        Assert.Equal("Paused", paused.State);
        string[] meanwhile = ["m1", "m2", "m3", "m4", "m5"];
        foreach (var value in meanwhile)
        {
            await kafka.ProduceAsync(KafkaMessage.FromText(topic, "k", value), Ct);
        }

        // The witness reads the same partition in its own group: once it has every message, so could the paused receiver have.
        await Eventually.UntilAsync(() => deliveries.Of(nameof(WitnessReceiver)).Count == 6, Wait, () => $"the witness to get 6 messages, got {deliveries.Of(nameof(WitnessReceiver)).Count}", Ct);
        Assert.Equal(["before"], deliveries.Of(nameof(InboxReceiver)));
        Assert.True(Assert.Single(Assert.Single(await ListAsync(ops), r => r.Id == "InboxReceiver").Partitions).IsPaused);

        using var resume = await ops.PostAsync("/kafka/receivers/InboxReceiver/resume", null, Ct);
        Assert.Equal(HttpStatusCode.NoContent, resume.StatusCode);
        await Eventually.UntilAsync(() => deliveries.Of(nameof(InboxReceiver)).Count >= 6, Wait, () => $"InboxReceiver to get the 5 messages after resume, got [{string.Join(", ", deliveries.Of(nameof(InboxReceiver)))}]", Ct);
        Assert.Equal(["before", .. meanwhile], deliveries.Of(nameof(InboxReceiver)));
        Assert.Equal("Running", Assert.Single(await ListAsync(ops), r => r.Id == "InboxReceiver").State);
    }

    [Fact]
    public async Task Restart_of_a_receiver_its_policy_stopped_runs_it_again_from_the_failed_message()
    {
        var topic = await _cluster.CreateNewTopicAsync("rcv-restart", cancellationToken: Ct);
        await using var node = await StartAsync(b => b.AddReceiver<LedgerReceiver>(topic, configure: r => r.OnError(KafkaErrorPolicy.Stop())));
        using var admin = node.Client("carol", "kafka");
        var deliveries = node.Services.GetRequiredService<Deliveries>();
        var kafka = node.Services.GetRequiredService<IKafkaConnectorSystemApi>();
        await UntilListedAsync(admin, r => r is [{ State: "Running", Partitions.Count: 1 }], "the ledger running");

        foreach (var value in new[] { "ok-1", "poison", "ok-2" })
        {
            await kafka.ProduceAsync(KafkaMessage.FromText(topic, "k", value), Ct);
        }

        var stopped = Assert.Single(await UntilListedAsync(admin, r => r is [{ State: "Stopped" }], "the ledger stopped by its policy"));
        Assert.Equal((typeof(InvalidOperationException).FullName, "ledger entry rejected", topic, 1L), (stopped.LastError?.ExceptionType, stopped.LastError?.Message, stopped.LastError?.Topic, stopped.LastError?.Offset));
        Assert.Equal(["ok-1"], deliveries.Of(nameof(LedgerReceiver)));
        // Its partition is held where it failed (committed up to ok-1), two behind the end; a pause meanwhile is lifted by the restart.
        await UntilListedAsync(admin, r => r is [{ Partitions: [{ IsPaused: true, CommittedOffset: 1, EndOffset: 3, Lag: 2 }] }], "the ledger's partition held at offset 1, 2 behind its end");
        using var pause = await admin.PostAsync("/kafka/receivers/LedgerReceiver/pause", null, Ct);
        Assert.Equal(HttpStatusCode.NoContent, pause.StatusCode);

        deliveries.Poisoned = false;
        using var restart = await admin.PostAsync("/kafka/receivers/LedgerReceiver/restart", null, Ct);
        Assert.Equal(HttpStatusCode.NoContent, restart.StatusCode);

        await Eventually.UntilAsync(() => deliveries.Of(nameof(LedgerReceiver)).Count >= 3, Wait, () => $"the ledger to get the failed message again, got [{string.Join(", ", deliveries.Of(nameof(LedgerReceiver)))}]", Ct);
        Assert.Equal(["ok-1", "poison", "ok-2"], deliveries.Of(nameof(LedgerReceiver)));
        var running = Assert.Single(await ListAsync(admin));
        Assert.Equal(("Running", null), (running.State, running.LastError));
    }

    [Fact]
    public async Task An_unknown_id_is_a_404_naming_it_and_callers_without_the_action_get_403()
    {
        var topic = await _cluster.CreateNewTopicAsync("rcv-refused", cancellationToken: Ct);
        await using var node = await StartAsync(b => b.AddReceiver<InboxReceiver>(topic));
        using var admin = node.Client("carol", "kafka");
        using var viewer = node.Client("vera", "viewer");
        using var ops = node.Client("otto", "inbox-ops");
        using var nobody = node.Client("nina");
        using var anonymous = node.Client(null);

        using var unknown = await admin.PostAsync("/kafka/receivers/NoSuchReceiver/pause", null, Ct);
        await AdminEndpointsTests.AssertProblemAsync(unknown, HttpStatusCode.NotFound, "No receiver has id 'NoSuchReceiver'; the node's receivers are: InboxReceiver. (Parameter 'receiverId')", Ct);

        // A viewer reads but does not act; an operator of Inbox* acts on those receivers only, and not on the whole node.
        Assert.Single(await ListAsync(viewer));
        foreach (var action in new[] { "pause", "resume", "restart" })
        {
            using var denied = await viewer.PostAsync($"/kafka/receivers/InboxReceiver/{action}", null, Ct);
            await AdminEndpointsTests.AssertProblemAsync(denied, HttpStatusCode.Forbidden, "Permission denied: ReceiverControl on 'InboxReceiver'.", Ct);
            using var all = await ops.PostAsync($"/kafka/consumption/{action}", null, Ct);
            await AdminEndpointsTests.AssertProblemAsync(all, HttpStatusCode.Forbidden, "Permission denied: ReceiverControl on '*'.", Ct);
        }

        using var other = await ops.PostAsync("/kafka/receivers/NoSuchReceiver/pause", null, Ct); // denied before the id is looked up
        await AdminEndpointsTests.AssertProblemAsync(other, HttpStatusCode.Forbidden, "Permission denied: ReceiverControl on 'NoSuchReceiver'.", Ct);
        using var opsResume = await ops.PostAsync("/kafka/receivers/InboxReceiver/resume", null, Ct);
        Assert.Equal(HttpStatusCode.NoContent, opsResume.StatusCode);
        using var list = await nobody.GetAsync("/kafka/receivers", Ct);
        await AdminEndpointsTests.AssertProblemAsync(list, HttpStatusCode.Forbidden, "Permission denied: ReceiverView on '*'.", Ct);
        using var refused = await anonymous.PostAsync("/kafka/receivers/InboxReceiver/pause", null, Ct);
        await AdminEndpointsTests.AssertProblemAsync(refused, HttpStatusCode.Unauthorized, "An authenticated user is required.", Ct);
    }

    [Fact]
    public async Task Consumption_pause_resume_and_restart_act_on_every_receiver_of_the_node()
    {
        var (node, topic) = await StartInboxAndWitnessAsync("rcv-all");
        await using var _ = node;
        using var admin = node.Client("carol", "kafka");
        var deliveries = node.Services.GetRequiredService<Deliveries>();
        var kafka = node.Services.GetRequiredService<IKafkaConnectorSystemApi>();

        using var pause = await admin.PostAsync("/kafka/consumption/pause", null, Ct);
        Assert.Equal(HttpStatusCode.NoContent, pause.StatusCode);
        Assert.All(await ListAsync(admin), r => Assert.Equal("Paused", r.State));
        using var resume = await admin.PostAsync("/kafka/consumption/resume", null, Ct);
        Assert.Equal(HttpStatusCode.NoContent, resume.StatusCode);
        Assert.All(await ListAsync(admin), r => Assert.Equal("Running", r.State));

        using var restart = await admin.PostAsync("/kafka/consumption/restart", null, Ct);
        Assert.Equal(HttpStatusCode.NoContent, restart.StatusCode);
        await UntilBothRunAsync(admin, "again after the restart");
        await kafka.ProduceAsync(KafkaMessage.FromText(topic, "k", "after"), Ct);
        await Eventually.UntilAsync(
            () => deliveries.Of(nameof(InboxReceiver)).Contains("after") && deliveries.Of(nameof(WitnessReceiver)).Contains("after"), Wait,
            () => "both receivers to get a message produced after the restart", Ct);
    }

    [Fact]
    public async Task Consumption_restart_without_a_node_identity_is_a_409_saying_why_and_the_list_is_empty()
    {
        await using var node = await WebNode.StartAsync(
            _cluster, app => app.MapKafkaAdmin(), build: b => b.Services.PostConfigure<KafkaConnectorOptions>(o => (o.Layer, o.NodeId) = (null, null)));
        using var admin = node.Client("carol", "kafka");

        using var restart = await admin.PostAsync("/kafka/consumption/restart", null, Ct);

        await AdminEndpointsTests.AssertProblemAsync(
            restart, HttpStatusCode.Conflict, "The node has no identity (KafkaConnector:Layer and KafkaConnector:NodeId): no consumer runs to restart.", Ct);
        Assert.Empty(await ListAsync(admin));
    }

    /// <summary>A node whose InboxReceiver reads a new one-partition topic in the node's group, and WitnessReceiver the same topic in a group of its own; both running.</summary>
    private async Task<(WebNode Node, string Topic)> StartInboxAndWitnessAsync(string hint)
    {
        var topic = await _cluster.CreateNewTopicAsync(hint, cancellationToken: Ct);
        var node = await StartAsync(b => b.AddReceiver<InboxReceiver>(topic).AddReceiver<WitnessReceiver>(topic, configure: r => r.InGroup(_cluster.NewGroupId("rcv-witness"))));
        try
        {
            using var viewer = node.Client("vera", "viewer");
            await UntilBothRunAsync(viewer, "at start");
            return (node, topic);
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }
    }

    private static Task<KafkaReceiverModel[]> UntilBothRunAsync(HttpClient client, string when) =>
        UntilListedAsync(client, r => r.Length == 2 && r.All(x => x.State == "Running" && x.Partitions.Count == 1), $"both receivers running, each owning the partition, {when}");

    private static async Task<KafkaReceiverModel[]> ListAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<KafkaReceiverModel[]>("/kafka/receivers", Ct))!;

    private static async Task<KafkaReceiverModel[]> UntilListedAsync(HttpClient client, Func<KafkaReceiverModel[], bool> condition, string expected)
    {
        var watch = Stopwatch.StartNew();
        KafkaReceiverModel[] seen = [];
        while (!condition(seen = await ListAsync(client)))
        {
            if (watch.Elapsed > Wait)
            {
                throw new TimeoutException($"GET /kafka/receivers never showed {expected}; last: {string.Join("; ", seen.Select(r => $"{r.Id} {r.State} {r.Partitions.Count} partition(s)"))}");
            }

            await Task.Delay(50, Ct);
        }

        return seen;
    }
}
