using System.Collections.Concurrent;
using Confluent.Kafka;
using KafkaConnector.Consumers;
using KafkaConnector.Testing;
using KafkaConnector.Tests.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KafkaConnector.Tests.Consumers;

/// <summary>A reactive stream paused for a slow observer resumes after a second member joins its group.</summary>
public sealed class ReactiveRebalanceWhilePausedTests(KafkaFixture fixture)
{
    private const int Count = 40;
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(30);
    private readonly KafkaTestCluster _cluster = fixture.Cluster;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(GroupProtocols.Eager)]
    [InlineData(GroupProtocols.CooperativeSticky)]
    [InlineData(GroupProtocols.Consumer)]
    public async Task SecondMemberJoins_WhilePaused_EveryMessageIsDelivered(string protocol)
    {
        var topic = await NumberedTopic.CreateAsync(_cluster, "rx-paused", 4, Count, Ct);
        var log = new CapturedLog();
        await using var host = ConnectorHost.Create(_cluster.BootstrapServers, _cluster.IsEmbedded,
            configure: o => GroupProtocols.Apply(protocol, o.Consumer, _cluster),
            build: b => b.Services.AddLogging(l => l.AddProvider(log).SetMinimumLevel(LogLevel.Debug)));
        var group = _cluster.NewGroupId();
        var options = new KafkaReactiveConsumeOptions { BufferSize = 4, ConsumerCount = 1 };
        var joined = new KafkaReactiveConsumeOptions { BufferSize = 4, ConsumerCount = 1 };
        var delivered = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        using var gate = new ManualResetEventSlim();

        using var slow = host.Api.ConsumeReactive(group, KafkaSubscription.ToTopics([topic]), options).Subscribe(m =>
        {
            gate.Wait(Ct);
            delivered.AddOrUpdate(m.ValueAsString()!, 1, (_, n) => n + 1);
        });
        await Eventually.UntilAsync(() => log.Entries.Any(e => e.Id.Id == 1102), WaitLimit, () => $"the slow stream to pause; delivered {delivered.Count}", Ct);

        using var second = host.Api.ConsumeReactive(group, KafkaSubscription.ToTopics([topic]), joined).Subscribe(m => delivered.AddOrUpdate(m.ValueAsString()!, 1, (_, n) => n + 1));
        await Eventually.UntilAsync(() => !delivered.IsEmpty, WaitLimit, () => "the second member to get partitions and deliver (the rebalance)", Ct);
        gate.Set();

        await Eventually.UntilAsync(() => delivered.Count == Count, WaitLimit,
            () => $"all {Count} messages across both members; got {delivered.Count}: [{string.Join(',', delivered.Keys.Order(StringComparer.Ordinal))}]", Ct);
    }
}
