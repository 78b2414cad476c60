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
