using System.Collections.Concurrent;
using System.Diagnostics;
using Confluent.Kafka;
using KafkaConnector.Consumers;
using KafkaConnector.EmbeddedKafka;
using KafkaConnector.Messages;
using KafkaConnector.Testing;

namespace KafkaConnector.Tests.Consumers;

/// <summary><c>await foreach</c> over <c>ConsumeAsync</c> on the embedded broker: order, commits, cancellation, shutdown and errors.</summary>
public sealed class AsyncConsumeTests(KafkaFixture fixture)
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(60);
    private readonly KafkaTestCluster _cluster = fixture.Cluster;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Task<string> TopicWithMessagesAsync(string hint, int partitions, int count) => NumberedTopic.CreateAsync(_cluster, hint, partitions, count, Ct);

    private static int Value(KafkaMessage m) => NumberedTopic.Value(m);

    /// <summary>The group's committed offset of partition 0, read by a plain Confluent.Kafka consumer outside the group.</summary>
    private long CommittedOffset(string group, string topic)
    {
        using var probe = new ConsumerBuilder<byte[], byte[]>(_cluster.CreateConsumerConfig(group)).Build();
        return probe.Committed([new TopicPartition(topic, 0)], TimeSpan.FromSeconds(10)).Single().Offset.Value;
    }

    [Fact]
    public async Task ByTopics_DeliversEveryMessageOnce_InOrderPerPartition()
    {
        const int Count = 300;
        var topic = await TopicWithMessagesAsync("as-order", 3, Count);
        await using var host = ConnectorHost.Create(_cluster);
        var received = new List<KafkaMessage>();

        await foreach (var message in host.Api.ConsumeAsync(_cluster.NewGroupId(), KafkaSubscription.ToTopics(topic), cancellationToken: Ct))
        {
            received.Add(message);
            if (received.Count == Count)
            {
                break;
            }
        }

        Assert.Equal(Enumerable.Range(0, Count), received.Select(Value).Order());
        foreach (var partition in received.GroupBy(m => m.Partition!.Value))
        {
            // Message i went to partition i % 3 at offset i / 3: in order means exactly that sequence.
            Assert.Equal(Enumerable.Range(0, Count / 3).Select(o => (long)o), partition.Select(m => m.Offset!.Value));
            Assert.Equal(Enumerable.Range(0, Count / 3).Select(o => (o * 3) + partition.Key), partition.Select(Value));
        }
    }

    [Fact]
    public async Task Break_ThenANewEnumeration_ResumesExactlyAtTheMessageTheLoopBrokeOn()
    {
        const int Count = 20;
        const int Passed = 8;
        var topic = await TopicWithMessagesAsync("as-resume", 1, Count);
        var group = _cluster.NewGroupId();
        await using var host = ConnectorHost.Create(_cluster);
        var first = new List<int>();

        await foreach (var message in host.Api.ConsumeAsync(group, KafkaSubscription.ToTopics(topic), cancellationToken: Ct))
        {
            if (message.Offset == Passed)
            {
                break; // before handling it: the loop never moved past this one
            }

            first.Add(Value(message));
        }

        // Disposing the enumerator committed, closed the consumer and left the group before returning.
        Assert.Empty(host.Internal.OpenSessions);
        Assert.Equal(Passed, CommittedOffset(group, topic));
        var second = new List<int>();
        await foreach (var message in host.Api.ConsumeAsync(group, KafkaSubscription.ToTopics(topic), cancellationToken: Ct))
        {
            second.Add(Value(message));
            if (second.Count == Count - Passed)
            {
                break;
            }
        }

        Assert.Equal(Enumerable.Range(0, Passed), first);
        Assert.Equal(Enumerable.Range(Passed, Count - Passed), second);
    }

    [Fact]
    public async Task ExceptionInTheBody_LeavesThatMessageUncommitted_AndReachesTheCaller()
    {
        const int Failing = 5;
        var topic = await TopicWithMessagesAsync("as-throw", 1, 10);
        var group = _cluster.NewGroupId();
        await using var host = ConnectorHost.Create(_cluster);
        var bug = new InvalidOperationException("body bug");

        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await foreach (var message in host.Api.ConsumeAsync(group, KafkaSubscription.ToTopics(topic), cancellationToken: Ct))
            {
                if (message.Offset == Failing)
                {
                    throw bug;
                }
            }
        });

        Assert.Same(bug, thrown);
        Assert.Empty(host.Internal.OpenSessions);
        Assert.Equal(Failing, CommittedOffset(group, topic));
        await foreach (var message in host.Api.ConsumeAsync(group, KafkaSubscription.ToTopics(topic), cancellationToken: Ct))
        {
            Assert.Equal(Failing, message.Offset); // the failed message comes again, first
            break;
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Cancellation_EndsAWaitingEnumerationPromptly_WithOperationCanceled_AndCommitsWhatItPassed(bool withCancellation)
    {
        var topic = await TopicWithMessagesAsync("as-cancel", 1, 5);
        var group = _cluster.NewGroupId();
        await using var host = ConnectorHost.Create(_cluster);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var stream = withCancellation
            ? host.Api.ConsumeAsync(group, KafkaSubscription.ToTopics(topic), cancellationToken: CancellationToken.None).WithCancellation(cancel.Token)
            : host.Api.ConsumeAsync(group, KafkaSubscription.ToTopics(topic), cancellationToken: cancel.Token).WithCancellation(CancellationToken.None);
        var received = 0;
        var loop = Task.Run(async () =>
        {
            await foreach (var _ in stream)
            {
                Interlocked.Increment(ref received);
            }
        }, Ct);

        // After the fifth message the loop waits in MoveNextAsync for a sixth that never comes.
        await Eventually.UntilAsync(() => Volatile.Read(ref received) == 5, WaitLimit, () => $"5 messages, got {received}", Ct);
        var watch = Stopwatch.StartNew();
        await cancel.CancelAsync();
        var error = await Record.ExceptionAsync(() => loop.WaitAsync(WaitLimit, Ct));

        Assert.IsAssignableFrom<OperationCanceledException>(error);
        Assert.InRange(watch.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(5)); // commit and close included
        Assert.Empty(host.Internal.OpenSessions);
        Assert.Equal(5, CommittedOffset(group, topic));
    }

    [Fact]
    public async Task HostShutdown_EndsAnOpenEnumerationQuietly_AndCommitsWhatItPassed()
    {
        var topic = await TopicWithMessagesAsync("as-shutdown", 1, 3);
        var group = _cluster.NewGroupId();
        var host = ConnectorHost.Create(_cluster);
        var api = host.Api;
        var received = 0;
        var loop = Task.Run(async () =>
        {
            await foreach (var _ in api.ConsumeAsync(group, KafkaSubscription.ToTopics(topic), cancellationToken: Ct))
            {
                Interlocked.Increment(ref received);
            }
        }, Ct);
        await Eventually.UntilAsync(() => Volatile.Read(ref received) == 3, WaitLimit, () => $"3 messages, got {received}", Ct);

        await host.DisposeAsync(); // the connector's shutdown, as at host stop

        await loop.WaitAsync(WaitLimit, Ct); // ended without an exception
        Assert.Equal(3, CommittedOffset(group, topic));
        Assert.Throws<ObjectDisposedException>(() => api.ConsumeAsync(group, KafkaSubscription.ToTopics(topic), cancellationToken: Ct));
    }

    [Fact]
    public async Task APartitionTheTopicDoesNotHave_IsThrownFromMoveNextAsync()
    {
        var topic = await TopicWithMessagesAsync("as-nopart", 1, 1);
        await using var host = ConnectorHost.Create(_cluster);
        var stream = host.Api.ConsumeAsync(null, KafkaSubscription.ToPartition(topic, 5, Offset.Beginning), new KafkaConsumeStreamOptions { CommitOffsets = false }, Ct);
        await using var enumerator = stream.GetAsyncEnumerator(Ct);

        var error = await Assert.ThrowsAnyAsync<KafkaException>(() => enumerator.MoveNextAsync().AsTask().WaitAsync(WaitLimit, Ct));

        Assert.Equal(ErrorCode.Local_UnknownPartition, error.Error.Code);
    }

    [Fact]
    public async Task AFatalConsumerError_IsThrownFromMoveNextAsync_AndTheConsumerCloses()
    {
        await using var embedded = EmbeddedKafkaCluster.Start(); // its own broker: the injected error reaches every client of it
        embedded.CreateTopic("fenced", 1);
        await using var host = ConnectorHost.Create(embedded.BootstrapServers);
        await host.Api.ProduceAsync(KafkaMessage.FromText("fenced", null, "0"), Ct);
        // A static member: a heartbeat answered "fenced" (another instance took its group.instance.id) is fatal.
        var options = new KafkaConsumeStreamOptions { ConsumerProperties = { ["group.instance.id"] = "static-1" } };
        await using var enumerator = host.Api.ConsumeAsync(_cluster.NewGroupId(), KafkaSubscription.ToTopics("fenced"), options, Ct).GetAsyncEnumerator(Ct);
        Assert.True(await enumerator.MoveNextAsync().AsTask().WaitAsync(WaitLimit, Ct));

        embedded.PushRequestErrors(KafkaApiKey.Heartbeat, ErrorCode.FencedInstanceId);
        var error = await Assert.ThrowsAnyAsync<KafkaException>(() => enumerator.MoveNextAsync().AsTask().WaitAsync(WaitLimit, Ct));

        Assert.True(error.Error.IsFatal, error.ToString());
        Assert.Empty(host.Internal.OpenSessions);
    }

    [Fact]
    public async Task BadArguments_FailAtTheCall_NamingThem()
    {
        await using var host = ConnectorHost.Create(_cluster);

        var noGroup = Assert.Throws<ArgumentException>(() => host.Api.ConsumeAsync(null, KafkaSubscription.ToTopics("t"), cancellationToken: Ct));
        var noGroupToCommit = Assert.Throws<ArgumentException>(() => host.Api.ConsumeAsync(" ", KafkaSubscription.ToPartition("t", 0), cancellationToken: Ct));
        var buffer = Assert.Throws<ArgumentOutOfRangeException>(() => host.Api.ConsumeAsync("g", KafkaSubscription.ToTopics("t"), new KafkaConsumeStreamOptions { BufferSize = 0 }, Ct));
        var subscription = Assert.Throws<ArgumentNullException>(() => host.Api.ConsumeAsync("g", null!, cancellationToken: Ct));

        Assert.Equal("groupId", noGroup.ParamName);
        Assert.Contains("topics t", noGroup.Message, StringComparison.Ordinal);
        Assert.Equal("groupId", noGroupToCommit.ParamName);
        Assert.Contains("CommitOffsets = false", noGroupToCommit.Message, StringComparison.Ordinal);
        Assert.Equal("options", buffer.ParamName);
        Assert.Equal("subscription", subscription.ParamName);
        Assert.Empty(host.Internal.OpenSessions);
    }

    [Fact]
    public async Task SlowBody_KeepsTheGroupMembership_AndTheBufferStaysBounded()
    {
        const int Count = 200;
        var topic = await TopicWithMessagesAsync("as-slow", 2, Count);
        // max.poll.interval.ms of 3 s: a consumer that stopped polling for the 5 s body below would leave the group.
        await using var host = ConnectorHost.Create(_cluster, o => o.Consumer["max.poll.interval.ms"] = "3000");
        var assignments = 0;
        var revocations = 0;
        var options = new KafkaConsumeStreamOptions
        {
            BufferSize = 16,
            OnPartitionsAssigned = _ => Interlocked.Increment(ref assignments),
            OnPartitionsRevoked = _ => Interlocked.Increment(ref revocations),
        };
        var received = new List<int>();
        IStreamSession? session = null;
        var (assignedWhileReading, revokedWhileReading) = (-1, -1);

        await foreach (var message in host.Api.ConsumeAsync(_cluster.NewGroupId(), KafkaSubscription.ToTopics(topic), options, Ct))
        {
            if (received.Count == 0)
            {
                session = Assert.Single(host.Internal.OpenSessions);
                await Task.Delay(TimeSpan.FromSeconds(5), Ct); // the slow body under test, not synchronisation
            }

            received.Add(Value(message));
            if (received.Count == Count)
            {
                // Before the break: closing the consumer revokes its partitions.
                (assignedWhileReading, revokedWhileReading) = (Volatile.Read(ref assignments), Volatile.Read(ref revocations));
                break;
            }
        }

        Assert.Equal(0, revokedWhileReading);
        Assert.Equal(1, assignedWhileReading);
        Assert.Equal(Enumerable.Range(0, Count), received.Order()); // each once: no rebalance re-delivered any
        Assert.InRange(session!.MaxBuffered, 1, 16 + 1);
    }
}
