using Confluent.Kafka;
using KafkaConnector.Engine;

namespace KafkaConnector.Tests.Engine;

public sealed class PartitionTrackerTests
{
    private static PartitionTracker Create() => new(new TopicPartition("orders", 0), CancellationToken.None);

    [Fact]
    public void Complete_OutOfOrder_WatermarkWaitsForTheEarliestUnfinished()
    {
        var tracker = Create();
        var first = tracker.Track(10);
        var second = tracker.Track(11);

        tracker.Complete(second);
        Assert.Equal(10, tracker.TakeCommit()!.Offset.Value); // committable up to the first read: where it is read again
        Assert.Equal(2, tracker.Unfinished);

        tracker.Complete(first);
        Assert.Equal(12, tracker.TakeCommit()!.Offset.Value);
        Assert.Equal(0, tracker.Unfinished);
    }

    [Fact]
    public void ABatchEntry_CoversItsOffsets_AndFinishesThemAtOnce_WithOneOutstanding()
    {
        var tracker = Create();
        var batch = tracker.Track(5);
        tracker.TrackMore(6, batch);
        tracker.TrackMore(7, batch);

        Assert.Equal(1, tracker.Outstanding);
        Assert.Equal(3, tracker.UnfinishedOffsets);
        Assert.Equal(5, tracker.TakeCommit()!.Offset.Value);

        tracker.Complete(batch);

        Assert.Equal(8, tracker.TakeCommit()!.Offset.Value);
        Assert.Equal(0, tracker.Outstanding);
        Assert.Equal(0, tracker.UnfinishedOffsets);
    }

    [Fact]
    public void AnOffsetWithAMessageEntryAndABatchEntry_IsCommittableOnlyWhenBothFinished()
    {
        var tracker = Create();
        var message = tracker.Track(0);
        var batch = tracker.Track(0); // the batch's entry for the same offset
        var next = tracker.Track(1);
        tracker.TrackMore(1, batch);

        tracker.Complete(message);
        tracker.Complete(next);
        Assert.Equal(0, tracker.TakeCommit()!.Offset.Value); // the batch still holds offset 0
        Assert.Equal(2, tracker.UnfinishedOffsets); // each offset once

        tracker.Complete(batch);
        Assert.Equal(2, tracker.TakeCommit()!.Offset.Value);
    }

    [Fact]
    public void Unfinished_CountsSkippedOffsetsBehindAnUnfinishedOne()
    {
        var tracker = Create();
        tracker.Track(0);
        tracker.Skip(1);
        tracker.Skip(2);

        Assert.Equal(3, tracker.Unfinished); // what a hung message holds in memory
        Assert.Equal(1, tracker.Outstanding);
    }

    [Fact]
    public void Fault_ReportsOnce_AndTheWatermarkSaysWhereToReadAgain()
    {
        var tracker = Create();
        var done = tracker.Track(5);
        tracker.Track(6);
        tracker.Track(7);
        tracker.Complete(done);

        Assert.True(tracker.Fault());
        Assert.False(tracker.Fault());
        Assert.Equal(6, tracker.Watermark);
        Assert.Equal(0, tracker.Outstanding);
    }
}
