using KafkaConnector.Diagnostics;
using KafkaConnector.Messages;
using KafkaConnector.Receivers;
using KafkaConnector.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace KafkaConnector.Tests.Receivers.Groups;

/// <summary>Receivers in a group of their own share the topic's partitions between the nodes; node receivers still read everything.</summary>
public sealed class SharedGroupTests(KafkaFixture fixture)
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(60);
    private readonly KafkaTestCluster _cluster = fixture.Cluster;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ThreeNodes_EachMessageGoesToOneOfThem_WhileANodeReceiverOnEachNodeGetsAll()
    {
        var topic = await _cluster.CreateNewTopicAsync("shared", partitions: 6, Ct);
        var layer = NodeHost.NewLayer();
        var group = _cluster.NewGroupId("work");
        var nodes = new List<NodeHost>();
        try
        {
            foreach (var id in new[] { "a", "b", "c" })
            {
                nodes.Add(await StartAsync(layer, id, b => b
                    .AddReceiver<SharedWork>(topic, configure: r => r.InGroup(group))
                    .AddReceiver<OtherReceiver>(topic)));
            }

            await WaitUntilPartitionsSplitAsync(nodes, 6);
            var sent = await ProduceAsync(nodes[0].Api, topic, 300, keys: 30);

            var shared = nodes.Select(n => n.Host.Services.GetRequiredService<SharedWork>()).ToList();
            await Eventually.UntilAsync(() => shared.Sum(r => r.Received.Count) >= sent.Count, WaitLimit, () => $"the group to handle {sent.Count}: [{string.Join(',', shared.Select(r => r.Received.Count))}]", Ct);
            var all = nodes.Select(n => n.Host.Services.GetRequiredService<OtherReceiver>()).ToList();
            await Eventually.UntilAsync(() => all.All(r => r.Received.Count >= sent.Count), WaitLimit, () => $"each node receiver to get {sent.Count}: [{string.Join(',', all.Select(r => r.Received.Count))}]", Ct);

            var handled = shared.SelectMany(r => r.Values).ToList();
            Assert.Equal(sent.Order(StringComparer.Ordinal), handled.Order(StringComparer.Ordinal)); // each once: no duplicates, none missing
            Assert.All(shared, r => Assert.NotEmpty(r.Received)); // spread over the nodes
            AssertKeysOnOneNodeInOrder(shared);
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task ANodeLeaves_ItsPartitionsMoveToTheOthers_AndNothingIsLost()
    {
        var topic = await _cluster.CreateNewTopicAsync("shared", partitions: 4, Ct);
        var layer = NodeHost.NewLayer();
        var group = _cluster.NewGroupId("work");
        await using var a = await StartAsync(layer, "a", b => b.AddReceiver<SharedWork>(topic, configure: r => r.InGroup(group)));
        var b = await StartAsync(layer, "b", b => b.AddReceiver<SharedWork>(topic, configure: r => r.InGroup(group)));
        var onA = a.Host.Services.GetRequiredService<SharedWork>();
        var onB = b.Host.Services.GetRequiredService<SharedWork>();
        try
        {
            await WaitUntilPartitionsSplitAsync([a, b], 4);
            var sent = await ProduceAsync(a.Api, topic, 200, keys: 20);
            await Eventually.UntilAsync(() => onA.Received.Count + onB.Received.Count >= sent.Count, WaitLimit, () => "the first batch to be handled", Ct);
            Assert.NotEmpty(onB.Received);

            await b.DisposeAsync(); // drains, commits and leaves the group: a takes its partitions
            await Eventually.UntilAsync(() => Assigned(a) == 4, WaitLimit, () => $"a to own all 4 partitions (owns {Assigned(a)})", Ct);
            sent.AddRange(await ProduceAsync(a.Api, topic, 200, keys: 20, first: 200));

            await Eventually.UntilAsync(() => onA.Received.Count + onB.Received.Count >= sent.Count, WaitLimit, () => $"all {sent.Count} to be handled ({onA.Received.Count} + {onB.Received.Count})", Ct);
            Assert.Equal(sent.Order(StringComparer.Ordinal), onA.Values.Concat(onB.Values).Order(StringComparer.Ordinal));
        }
        finally
        {
            await b.DisposeAsync();
        }
    }

    [Fact]
    public async Task RegisteredAtRuntime_InAGroup_JoinsIt_AndDisposingTheHandleLeavesIt()
    {
        var topic = await _cluster.CreateNewTopicAsync("shared", partitions: 2, Ct);
        var layer = NodeHost.NewLayer();
        var group = _cluster.NewGroupId("work");
        await using var a = await StartAsync(layer, "a", b => b.AddReceiver<SharedWork>(topic, configure: r => r.InGroup(group)));
        await using var b = await StartAsync(layer, "b");
        var onA = a.Host.Services.GetRequiredService<SharedWork>();
        var onB = new SharedWork();

        var handle = b.Api.RegisterReceiver(onB, topic, configure: r => r.InGroup(group));
        await WaitUntilPartitionsSplitAsync([a, b], 2);
        Assert.Equal(1, Assigned(b));
        var sent = await ProduceAsync(a.Api, topic, 100, keys: 10);
        await Eventually.UntilAsync(() => onA.Received.Count + onB.Received.Count >= sent.Count, WaitLimit, () => "the messages to be handled", Ct);
        Assert.NotEmpty(onB.Received);

        handle.Dispose(); // the group's last receiver on b: its consumer leaves
        await Eventually.UntilAsync(() => Assigned(a) == 2, WaitLimit, () => "a to own both partitions", Ct);
        var before = onB.Received.Count;
        sent.AddRange(await ProduceAsync(a.Api, topic, 100, keys: 10, first: 100));

        await Eventually.UntilAsync(() => onA.Received.Count + onB.Received.Count >= sent.Count, WaitLimit, () => "the second batch to be handled", Ct);
        Assert.Equal(before, onB.Received.Count);
        Assert.Equal(sent.Order(StringComparer.Ordinal), onA.Values.Concat(onB.Values).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void AGroupReceiver_OnTheNodesOwnTopics_IsRefusedAtRegistration()
    {
        var builder = new ServiceCollection().AddKafkaConnector(o => o.All["bootstrap.servers"] = "127.0.0.1:9");

        var error = Assert.Throws<ArgumentException>(() => builder.AddReceiver<SharedWork>("{broadcast}", configure: r => r.InGroup("work")));

        Assert.Contains("{broadcast}", error.Message, StringComparison.Ordinal);
        Assert.Contains("group 'work'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData(" padded")]
    public void ABlankOrPaddedGroupId_IsRefused_NamingIt(string group)
    {
        var options = new KafkaReceiverOptions();

        var error = Assert.Throws<ArgumentException>(() => options.InGroup(group));

        Assert.Equal("groupId", error.ParamName);
    }

    [Fact]
    public void TheNodesOwnGroup_IsRefused_ForARuntimeReceiver()
    {
        using var services = new ServiceCollection()
            .AddKafkaConnector(o => (o.All["bootstrap.servers"], o.Layer, o.NodeId) = ("127.0.0.1:9", "billing", "n1"))
            .Services.BuildServiceProvider();
        var nodeGroup = new KafkaClusterTopicNames("billing", "n1").GroupId;

        var error = Assert.Throws<ArgumentException>(() => services.GetRequiredService<IKafkaConnectorSystemApi>().RegisterReceiver(new SharedWork(), "orders", configure: r => r.InGroup(nodeGroup)));

        Assert.Contains($"'{nodeGroup}' is the node's own consumer group", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheAttributesGroup_ReachesTheRegistration()
    {
        using var services = new ServiceCollection()
            .AddKafkaConnector(o => (o.All["bootstrap.servers"], o.Layer, o.NodeId) = ("127.0.0.1:9", "billing", "n1"))
            .AddErrorPolicy("downstream", KafkaErrorPolicy.Stop()) // another attributed receiver of this assembly names it
            .AddReceiversFromAssembly(typeof(SharedGroupTests).Assembly)
            .Services.BuildServiceProvider();

        var registration = services.GetRequiredService<ReceiverRegistry>().Current.Single(r => r.Name == nameof(AttributedGroupReceiver));

        Assert.Equal("invoices", registration.GroupId);
    }

    private Task<NodeHost> StartAsync(string layer, string id, Action<IKafkaConnectorBuilder>? build = null) =>
        NodeHost.StartAsync(_cluster, layer, id, build, o => o.Consumer["auto.offset.reset"] = "earliest");

    /// <summary>Partitions of the receiver groups' consumers this node owns now.</summary>
    private static int Assigned(NodeHost node) => node.Host.Services.GetRequiredService<KafkaDispatchers>().All.Where(d => d.Scope is { IsNode: false }).Sum(d => d.AssignedPartitions.Count);

    private static async Task WaitUntilPartitionsSplitAsync(IReadOnlyList<NodeHost> nodes, int partitions) =>
        await Eventually.UntilAsync(
            () => nodes.All(n => Assigned(n) > 0 && n.Host.Services.GetRequiredService<IKafkaConnectorStatus>().GetDispatcherStatus().IsReady) && nodes.Sum(Assigned) == partitions,
            WaitLimit,
            () => $"the {partitions} partitions to be split over the nodes: [{string.Join(',', nodes.Select(Assigned))}]",
            Ct);

    private static async Task<List<string>> ProduceAsync(IKafkaConnectorSystemApi api, string topic, int count, int keys, int first = 0)
    {
        var values = new List<string>();
        for (var i = first; i < first + count; i++)
        {
            var value = $"{i % keys}:{i}";
            await api.ProduceAsync(KafkaMessage.FromText(topic, $"k{i % keys}", value), Ct);
            values.Add(value);
        }

        return values;
    }

    /// <summary>Each key was handled on one node only, in the order it was produced.</summary>
    private static void AssertKeysOnOneNodeInOrder(IEnumerable<SharedWork> receivers)
    {
        var owners = new Dictionary<string, SharedWork>(StringComparer.Ordinal);
        foreach (var receiver in receivers)
        {
            foreach (var group in receiver.Received.GroupBy(m => m.KeyAsString()!))
            {
                Assert.True(owners.TryAdd(group.Key, receiver), $"key {group.Key} was handled on two nodes");
                var sequence = group.Select(m => int.Parse(m.ValueAsString()!.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture)).ToList();
                Assert.Equal(sequence.Order(), sequence);
            }
        }
    }
}

internal sealed class SharedWork : RecordingReceiver;

[KafkaReceiver("invoices", Group = "invoices")]
internal sealed class AttributedGroupReceiver : RecordingReceiver;
