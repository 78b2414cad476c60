using Confluent.Kafka;
using KafkaConnector.Engine;
using Microsoft.Extensions.Logging.Abstractions;

namespace KafkaConnector.Tests.Engine;

public sealed class StartOffsetResolverTests
{
    private static readonly DateTimeOffset StartedAt = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TopicPartition Orders = new("orders", 0);
    private static readonly TopicPartition Audit = new("audit", 0);

    private readonly Dictionary<TopicPartition, PartitionTracker> _trackers = [];

    [Fact]
    public void NoCommittedOffset_StartsAtTheFirstMessageSinceTheNodeStarted_OnTheTracker()
    {
        var broker = new FakeBroker { Ends = { [Orders] = 40 }, SinceStart = { [Orders] = 25 } };

        var start = Resolve(new StartOffsetResolver(null, StartedAt, NullLogger.Instance), broker, Orders);

        Assert.Equal(25, start[Orders]);
        Assert.Equal(25, _trackers[Orders].Watermark); // committed at once by the dispatcher
        Assert.Equal(StartedAt.ToUnixTimeMilliseconds(), broker.AskedFor.Single()); // the node's start, the same at every assignment
    }

    [Fact]
    public void NothingFoundByTime_StartsAtTheEndReadBeforeTheLookup()
    {
        var broker = new FakeBroker { Ends = { [Orders] = 40 } };

        var start = Resolve(new StartOffsetResolver("latest", StartedAt, NullLogger.Instance), broker, Orders);

        Assert.Equal(40, start[Orders]);
    }

    [Fact]
    public void ACommittedOffset_IsWhereThePartitionStarts_AndTheTrackerIsLeftAlone()
    {
        var broker = new FakeBroker { Committed = { [Orders] = 12 }, Ends = { [Orders] = 40 } };

        var start = Resolve(new StartOffsetResolver(null, StartedAt, NullLogger.Instance), broker, Orders);

        Assert.Equal(12, start[Orders]);
        Assert.Equal(Offset.Unset.Value, _trackers[Orders].Watermark); // nothing to commit
        Assert.Empty(broker.AskedFor);
    }

    [Fact]
    public void ReassignedBeforeTheStartWasCommitted_StartsAtTheSameOffset_NotAtTheNewEnd()
    {
        var (resolver, broker) = AssignedOnceAtTheEnd(40);
        resolver.Released(_trackers[Orders]); // lost before anything was read or committed

        broker.Ends[Orders] = 55; // written while the node was out of the group
        var start = Resolve(resolver, broker, Orders);

        Assert.Equal(40, start[Orders]);
        Assert.Equal(40, _trackers[Orders].Watermark);
        Assert.Single(broker.AskedFor); // looked up once, at the first assignment
    }

    [Fact]
    public void ReassignedWithoutACommit_ResumesAtTheWatermarkItGaveThePartitionUpWith()
    {
        var (resolver, broker) = AssignedOnceAtTheEnd(40);
        var tracker = _trackers[Orders];
        tracker.Complete(tracker.Track(40));
        tracker.Track(41); // still running when the session went: read again
        resolver.Released(tracker);

        broker.Ends[Orders] = 55;
        var start = Resolve(resolver, broker, Orders);

        Assert.Equal(41, start[Orders]);
    }

    [Theory]
    [InlineData(30)] // another member committed less than this node had finished: read again, never past the commit
    [InlineData(50)] // or more: what it finished is not read again
    public void AnotherMemberCommittedMeanwhile_TheCommittedOffsetWins(long committed)
    {
        var (resolver, broker) = AssignedOnceAtTheEnd(40);
        var tracker = _trackers[Orders];
        tracker.Skip(40);
        tracker.Skip(41);
        resolver.Released(tracker); // watermark 42

        broker.Committed[Orders] = committed;
        var start = Resolve(resolver, broker, Orders);

        Assert.Equal(committed, start[Orders]);
    }

    [Fact]
    public void AfterStartingAtACommittedOffset_APartitionGivenUpUnreadResumesThere_NotAtAnOlderPosition()
    {
        var resolver = new StartOffsetResolver(null, StartedAt, NullLogger.Instance);
        var broker = new FakeBroker { Ends = { [Orders] = 40 } };
        Resolve(resolver, broker, Orders); // starts at 40, uncommitted
        broker.Committed[Orders] = 30; // another member's commit
        Resolve(resolver, broker, Orders);
        resolver.Released(_trackers[Orders]); // nothing read: the tracker knows no position

        broker.Committed.Remove(Orders); // the group's offsets are gone (e.g. expired)
        var start = Resolve(resolver, broker, Orders);

        Assert.Equal(30, start[Orders]); // the last position the group agreed on, not this node's older 40
    }

    [Fact]
    public void OnlyPartitionsWithoutAPosition_AreLookedUp()
    {
        var resolver = new StartOffsetResolver(null, StartedAt, NullLogger.Instance);
        var broker = new FakeBroker { Ends = { [Orders] = 40, [Audit] = 7 } };
        Resolve(resolver, broker, Orders);
        resolver.Released(_trackers[Orders]);

        var start = Resolve(resolver, broker, Orders, Audit);

        Assert.Equal((40, 7), (start[Orders], start[Audit]));
        Assert.Equal([Orders, Audit], broker.EndsRead);
    }

    [Fact]
    public void LookupFails_RememberedAndCommittedPartitionsStillGetTheirStart_TheRestIsLeftToLibrdkafka()
    {
        var (resolver, broker) = AssignedOnceAtTheEnd(40);
        resolver.Released(_trackers[Orders]);
        var audit = new TopicPartition("audit", 1);
        broker.Committed[audit] = 3;
        broker.FailLookups = true;

        var start = Resolve(resolver, broker, Orders, Audit, audit);

        Assert.Equal((40, Offset.Unset.Value, 3), (start[Orders], start[Audit], start[audit]));
    }

    [Fact]
    public void CommittedOffsetsUnknown_EveryPartitionIsLeftToLibrdkafka_EvenARememberedOne()
    {
        var (resolver, broker) = AssignedOnceAtTheEnd(40);
        resolver.Released(_trackers[Orders]);
        broker.FailCommitted = true;

        var start = Resolve(resolver, broker, Orders);

        Assert.Equal(Offset.Unset.Value, start[Orders]); // a committed offset it cannot see might exist, and would win
    }

    [Theory]
    [InlineData("earliest")]
    [InlineData("smallest")]
    [InlineData("beginning")]
    public void Earliest_LeavesEveryPartitionToLibrdkafka(string reset)
    {
        var broker = new FakeBroker { Ends = { [Orders] = 40 } };

        var start = Resolve(new StartOffsetResolver(reset, StartedAt, NullLogger.Instance), broker, Orders);

        Assert.Equal(Offset.Unset.Value, start[Orders]);
        Assert.Equal(0, broker.Calls);
    }

    /// <summary>A resolver that started <see cref="Orders"/> at its end, <paramref name="end"/>, without a commit.</summary>
    private (StartOffsetResolver Resolver, FakeBroker Broker) AssignedOnceAtTheEnd(long end)
    {
        var resolver = new StartOffsetResolver(null, StartedAt, NullLogger.Instance);
        var broker = new FakeBroker { Ends = { [Orders] = end } };
        Resolve(resolver, broker, Orders);
        return (resolver, broker);
    }

    /// <summary>One assignment: fresh trackers, as the dispatcher makes them.</summary>
    private Dictionary<TopicPartition, long> Resolve(StartOffsetResolver resolver, FakeBroker broker, params TopicPartition[] partitions)
    {
        foreach (var partition in partitions)
        {
            _trackers[partition] = new PartitionTracker(partition, CancellationToken.None);
        }

        return resolver.Resolve(broker, [.. partitions], p => _trackers[p]).ToDictionary(o => o.TopicPartition, o => o.Offset.Value);
    }

    private sealed class FakeBroker : IOffsetLookup
    {
        public Dictionary<TopicPartition, long> Committed { get; } = [];

        public Dictionary<TopicPartition, long> Ends { get; } = [];

        public Dictionary<TopicPartition, long> SinceStart { get; } = [];

        public List<long> AskedFor { get; } = [];

        public List<TopicPartition> EndsRead { get; } = [];

        public bool FailCommitted { get; set; }

        public bool FailLookups { get; set; }

        public int Calls { get; private set; }

        List<TopicPartitionOffset> IOffsetLookup.Committed(IEnumerable<TopicPartition> partitions, TimeSpan timeout)
        {
            Calls++;
            return FailCommitted
                ? throw new KafkaException(ErrorCode.Local_TimedOut)
                : [.. partitions.Select(p => new TopicPartitionOffset(p, Committed.TryGetValue(p, out var c) ? c : Offset.Unset))];
        }

        public long End(TopicPartition partition, TimeSpan timeout)
        {
            Calls++;
            EndsRead.Add(partition);
            return FailLookups ? throw new KafkaException(ErrorCode.Local_TimedOut) : Ends[partition];
        }

        public List<TopicPartitionOffset> OffsetsForTimes(IEnumerable<TopicPartitionTimestamp> timestamps, TimeSpan timeout)
        {
            Calls++;
            var asked = timestamps.ToList();
            AskedFor.AddRange(asked.Select(t => t.Timestamp.UnixTimestampMs).Distinct());
            return [.. asked.Select(t => new TopicPartitionOffset(t.TopicPartition, SinceStart.TryGetValue(t.TopicPartition, out var o) ? o : Offset.End))];
        }
    }
}
