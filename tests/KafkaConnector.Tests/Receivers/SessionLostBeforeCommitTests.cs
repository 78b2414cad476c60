using System.Diagnostics;
using Confluent.Kafka;
using KafkaConnector.EmbeddedKafka;
using KafkaConnector.Messages;
using KafkaConnector.Testing;
using KafkaConnector.Tests.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KafkaConnector.Tests.Receivers;

/// <summary>
/// A node whose session is lost before it could commit a partition resumes that partition where it
/// left it, not at the partition's end at the new assignment (the embedded broker cannot look offsets
/// up by time, so there the start would be resolved again, later).
/// </summary>
public sealed class SessionLostBeforeCommitTests
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(30);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(GroupProtocols.Eager)]
    [InlineData(GroupProtocols.Consumer)]
    public async Task SessionLostBeforeTheFirstCommit_MessagesWrittenRightBeforeAndDuringTheOutage_AreAllDelivered(string protocol)
    {
        await using var embedded = EmbeddedKafkaCluster.Start();
        await using var cluster = KafkaTestCluster.ForEmbedded(embedded); // its own broker: this test takes it down
        var topic = await cluster.CreateNewTopicAsync("lost-before-commit", 1, Ct);
        // The group refuses every commit (as during a rebalance) until the session is gone: the start the
        // node resolved at its first assignment is never committed.
        embedded.PushRequestErrors(KafkaApiKey.OffsetCommit, [.. Enumerable.Repeat(ErrorCode.RebalanceInProgress, 2000)]);
        var gated = new GatedReceiver();
        var log = new CapturedLog();
        var layer = NodeHost.NewLayer();
        await using var node = await NodeHost.StartAsync(cluster, layer, "n",
            b => b.AddReceiver<GatedReceiver>(topic),
            o => GroupProtocols.Apply(protocol, o.Consumer, cluster),
            s => s.AddSingleton(gated).AddSingleton<ILoggerProvider>(log));

        // Right before the outage: two messages (two keys, so both run) that the receiver still holds when the session goes.
        await node.Api.ProduceAsync(KafkaMessage.FromText(topic, "a", "before-1"), Ct);
        await node.Api.ProduceAsync(KafkaMessage.FromText(topic, "b", "before-2"), Ct);
        await Eventually.UntilAsync(() => gated.Entered == 2, WaitLimit, () => $"the receiver to hold both messages; entered {gated.Entered}", Ct);
        var revokedBefore = Revocations(log);

        embedded.SetBrokerDown(EmbeddedKafkaCluster.AllBrokers);
        Task during;
        try
        {
            during = node.Api.ProduceAsync(KafkaMessage.FromText(topic, "c", "during"), Ct); // delivered once the brokers are back
            // An outage of up to 5 s, longer than the 2-3 s session: the classic client gives its
            // partitions up as lost during it; under KIP-848 the broker fences the member, seen on reconnect.
            var outage = Stopwatch.StartNew();
            while (Revocations(log) == revokedBefore && outage.Elapsed < TimeSpan.FromSeconds(5))
            {
                await Task.Delay(100, Ct); // the fault's duration, not a synchronisation
            }
        }
        finally
        {
            embedded.SetBrokerUp(EmbeddedKafkaCluster.AllBrokers);
        }

        await during.WaitAsync(WaitLimit, Ct);
        await Eventually.UntilAsync(() => Revocations(log) > revokedBefore, WaitLimit, () => "the partitions to be lost because of the outage", Ct);
        var groupId = $"hyperiot_{layer}_n";
        Assert.Equal(Offset.Unset, Committed(cluster, groupId, topic)); // nothing was ever committed for the topic

        embedded.ClearRequestErrors(KafkaApiKey.OffsetCommit);
        gated.Open();

        string[] expected = ["before-1", "before-2", "during"];
        await Eventually.UntilAsync(() => expected.All(gated.Finished.ContainsKey), WaitLimit,
            () => $"every message written before and during the outage; finished [{string.Join(',', gated.Finished.Keys.Order(StringComparer.Ordinal))}]", Ct);
        // And the partition commits again, past all three.
        await Eventually.UntilAsync(() => Committed(cluster, groupId, topic) == 3, WaitLimit,
            () => $"offset 3 committed; committed {Committed(cluster, groupId, topic)}", Ct);
    }

    private static int Revocations(CapturedLog log) => log.Entries.Count(e => e.Id.Id == 1205);

    private static Offset Committed(KafkaTestCluster cluster, string groupId, string topic)
    {
        using var offsets = new ConsumerBuilder<byte[], byte[]>(cluster.CreateConsumerConfig(groupId)).Build();
        return offsets.Committed([new TopicPartition(topic, 0)], TimeSpan.FromSeconds(5)).Single().Offset;
    }
}
