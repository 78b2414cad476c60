using System.Collections.Concurrent;
using Confluent.Kafka;
using KafkaConnector.Consumers;
using KafkaConnector.Messages;
using KafkaConnector.Testing;

namespace KafkaConnector.Tests.Consumers;

/// <summary>Two <c>ConsumeAsync</c> enumerations in one group: a rebalance between them loses nothing.</summary>
public sealed class AsyncRebalanceTests(KafkaFixture fixture)
{
    private const int Count = 40;
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(30);
    private readonly KafkaTestCluster _cluster = fixture.Cluster;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(GroupProtocols.Eager)]
    [InlineData(GroupProtocols.CooperativeSticky)]
    [InlineData(GroupProtocols.Consumer)]
    public async Task SecondEnumerationJoins_WhileTheFirstHoldsAMessage_NothingIsLost_AndRevokedBufferedMessagesAreDropped(string protocol)
    {
        var topic = await NumberedTopic.CreateAsync(_cluster, "as-rebalance", 4, Count, Ct);
        await using var host = ConnectorHost.Create(_cluster.BootstrapServers, _cluster.IsEmbedded, configure: o => GroupProtocols.Apply(protocol, o.Consumer, _cluster));
        var api = host.Api;
        var group = _cluster.NewGroupId();
        var delivered = new ConcurrentDictionary<int, int>();
        var owned = new ConcurrentDictionary<TopicPartition, byte>();
        var notOwned = new ConcurrentQueue<string>();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var firstOptions = new KafkaConsumeStreamOptions
        {
            BufferSize = Count, // room for every partition's messages: whichever partitions it loses had some buffered
            OnPartitionsAssigned = partitions => partitions.ToList().ForEach(p => owned[p] = 0),
            OnPartitionsRevoked = partitions => partitions.ToList().ForEach(p => owned.TryRemove(p, out _)),
        };

        var first = Task.Run(async () =>
        {
            var holding = true;
            await foreach (var message in api.ConsumeAsync(group, KafkaSubscription.ToTopics(topic), firstOptions, stop.Token))
            {
                if (holding)
                {
                    await gate.Task.WaitAsync(stop.Token); // the first message is held across the rebalance
                    holding = false;
                }
                else if (!owned.ContainsKey(new TopicPartition(message.Topic, message.Partition!.Value)))
                {
                    notOwned.Enqueue(message.ToString());
                }

                Record(delivered, message);
            }
        }, Ct);
        await Eventually.UntilAsync(() => host.Internal.OpenSessions.SingleOrDefault()?.MaxBuffered >= Count - 1, WaitLimit, () => "the first enumeration to buffer every other message while its loop holds one", Ct);

        var secondReceived = 0;
        var second = Task.Run(async () =>
        {
            await foreach (var message in api.ConsumeAsync(group, KafkaSubscription.ToTopics(topic), new KafkaConsumeStreamOptions { BufferSize = 4 }, stop.Token))
            {
                Interlocked.Increment(ref secondReceived);
                Record(delivered, message);
            }
        }, Ct);
        await Eventually.UntilAsync(() => Volatile.Read(ref secondReceived) > 0, WaitLimit, () => "the second enumeration to get partitions (the rebalance) and read", Ct);
        gate.SetResult();

        await Eventually.UntilAsync(() => delivered.Count == Count, WaitLimit,
            () => $"all {Count} messages across both enumerations; got {delivered.Count}: [{string.Join(',', delivered.Keys.Order())}]", Ct);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first.WaitAsync(WaitLimit, Ct));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => second.WaitAsync(WaitLimit, Ct));

        // Messages buffered for partitions the first lost were dropped, not handed to its loop; the second read them.
        Assert.Empty(notOwned);
        // Not asserted here: that both consumers have closed. Two members leaving one group at once go
        // through one more rebalance, which the shared embedded broker may take longer than the
        // enumerations' bounded wait to finish when other tests load it; AsyncConsumeTests checks the close.
    }

    private static void Record(ConcurrentDictionary<int, int> delivered, KafkaMessage message) =>
        delivered.AddOrUpdate(NumberedTopic.Value(message), 1, (_, n) => n + 1);
}
