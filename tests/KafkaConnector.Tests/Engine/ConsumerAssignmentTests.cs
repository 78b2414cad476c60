using Confluent.Kafka;
using KafkaConnector.Engine;

namespace KafkaConnector.Tests.Engine;

public sealed class ConsumerAssignmentTests
{
    private static readonly TopicPartition Orders0 = new("orders", 0);
    private static readonly TopicPartition Orders1 = new("orders", 1);

    private readonly FakePauser _consumer = new();

    private static ConsumerAssignment Create(int total = 100, int partition = 2) => new(new FlowController(total, partition, _ => false), CancellationToken.None);

    [Fact]
    public void For_KeepsTheTrackerOfARunOfOnePartition_AndNeverHandsOutARevokedOne()
    {
        var assignment = Create();
        assignment.Assigned([Orders0, Orders1]);

        var first = assignment.For(ScriptedConsumer.Message(0, 1));
        Assert.Same(first, assignment.For(ScriptedConsumer.Message(0, 2)));
        Assert.NotSame(first, assignment.For(ScriptedConsumer.Message(1, 1)));
        Assert.Same(first, assignment.For(ScriptedConsumer.Message(0, 3)));

        var revoked = Assert.Single(assignment.Revoked([Orders0]));
        Assert.Same(first, revoked);
        Assert.True(first.Revoked);
        assignment.Assigned([Orders0]);

        var again = assignment.For(ScriptedConsumer.Message(0, 4));
        Assert.NotSame(first, again); // a new assignment: work read before it can never commit in it
        Assert.False(again.Revoked);
    }

    [Fact]
    public void Revoked_OnlyOwnedPartitions_AndTheirPauseStateGoesWithThem()
    {
        var assignment = Create(partition: 1);
        assignment.Assigned([Orders0]);
        var tracker = assignment.For(ScriptedConsumer.Message(0, 0));
        tracker.Track(0);
        assignment.ApplyFlow(_consumer, () => 1);
        Assert.Equal(1, assignment.Flow.PausedCount);

        Assert.Single(assignment.Revoked([Orders0, Orders1])); // Orders1 was never owned
        Assert.Equal(0, assignment.Flow.PausedCount);
        Assert.Empty(assignment.Trackers);
    }

    [Fact]
    public void Rewind_StartsAFreshTrackerAtTheWatermark_OnlyForTheCurrentTracker()
    {
        var assignment = Create();
        assignment.Assigned([Orders0]);
        var faulted = assignment.For(ScriptedConsumer.Message(0, 5));
        faulted.Complete(faulted.Track(5));
        faulted.Track(6); // never finishes: failed outside any receiver
        faulted.Committed(5);

        Assert.Equal(6, assignment.Rewind(faulted));

        var fresh = assignment[Orders0];
        Assert.NotSame(faulted, fresh);
        Assert.True(faulted.Revoked);
        Assert.Equal(6, fresh.Watermark);
        Assert.Equal(5, fresh.CommittedOffset);
        Assert.Equal(new TopicPartitionOffset(Orders0, 6), fresh.TakeCommit());
        Assert.Null(assignment.Rewind(faulted)); // already rewound: nothing more to do
    }

    [Fact]
    public async Task ApplyFlow_WaitsForAFullPartitionToDrain_WithinTheGrace_InsteadOfPausingIt()
    {
        var assignment = Create(partition: 2);
        assignment.Assigned([Orders0]);
        assignment.ApplyFlow(_consumer, () => 0); // the explicit resume after an assignment
        var tracker = assignment.For(ScriptedConsumer.Message(0, 0));
        var head = tracker.Track(0);
        tracker.Track(1);
        using var finished = new ManualResetEventSlim(initialState: true);

        // The work finishes once the poll thread has started to wait (it resets the event first).
        var completer = Task.Run(() =>
        {
            SpinWait.SpinUntil(() => !finished.IsSet);
            tracker.Complete(head);
            finished.Set();
        }, TestContext.Current.CancellationToken);

        var (paused, resumed) = assignment.ApplyFlow(_consumer, () => tracker.Outstanding, finished, TimeSpan.FromSeconds(30));

        await completer;
        Assert.Equal((0, 0), (paused, resumed));
        Assert.Empty(_consumer.Paused);
    }

    [Fact]
    public void ApplyFlow_PausesAFullPartition_WhenNothingDrainsWithinTheGrace()
    {
        var assignment = Create(partition: 2);
        assignment.Assigned([Orders0, Orders1]);
        var tracker = assignment.For(ScriptedConsumer.Message(0, 0));
        tracker.Track(0);
        tracker.Track(1);
        using var finished = new ManualResetEventSlim();

        var (paused, _) = assignment.ApplyFlow(_consumer, () => 2, finished, TimeSpan.FromMilliseconds(20));

        Assert.Equal(1, paused);
        Assert.Equal([Orders0], _consumer.Paused);
    }
}
