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
        Task? during = null;
        await SessionOutage.RunAsync(embedded, log, WaitLimit, Ct,
            whileDown: () => during = node.Api.ProduceAsync(KafkaMessage.FromText(topic, "c", "during"), Ct)); // delivered once the brokers are back
        await during!.WaitAsync(WaitLimit, Ct);
        Assert.Equal(Offset.Unset, SessionOutage.Committed(cluster, layer, "n", topic)); // nothing was ever committed for the topic

        embedded.ClearRequestErrors(KafkaApiKey.OffsetCommit);
        gated.Open();

        string[] expected = ["before-1", "before-2", "during"];
        await Eventually.UntilAsync(() => expected.All(gated.Finished.ContainsKey), WaitLimit,
            () => $"every message written before and during the outage; finished [{string.Join(',', gated.Finished.Keys.Order(StringComparer.Ordinal))}]", Ct);
        // And the partition commits again, past all three.
        await Eventually.UntilAsync(() => SessionOutage.Committed(cluster, layer, "n", topic) == 3, WaitLimit,
            () => $"offset 3 committed; committed {SessionOutage.Committed(cluster, layer, "n", topic)}", Ct);
    }
}
