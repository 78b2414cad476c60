using Confluent.Kafka;
using KafkaConnector.Engine;

namespace KafkaConnector.Tests.Engine;

public sealed class WatermarkCommitterTests
{
    private readonly List<List<TopicPartitionOffset>> _commits = [];
    private readonly List<KafkaException> _failures = [];
    private KafkaException? _fail;

    private WatermarkCommitter Create() => new(
        offsets =>
        {
            if (_fail is { } e)
            {
                throw e;
            }

            _commits.Add([.. offsets]);
        },
        _failures.Add);

    private static PartitionTracker Tracker(int partition) => new(new TopicPartition("orders", partition), CancellationToken.None);

    [Fact]
    public void Commit_OnlyPartitionsWhoseWatermarkMoved_InOneRequest()
    {
        var moved = Tracker(0);
        moved.Complete(moved.Track(4));
        var idle = Tracker(1);
        var committer = Create();

        Assert.Equal(1, committer.Commit([moved, idle]));

        Assert.Equal([new TopicPartitionOffset("orders", 0, 5)], Assert.Single(_commits));
        Assert.Equal(0, committer.Commit([moved, idle])); // nothing moved since
        Assert.Single(_commits);
    }

    [Fact]
    public void Commit_Failed_IsReported_AndTheSameOffsetIsCommittedNextTime()
    {
        var tracker = Tracker(0);
        tracker.Complete(tracker.Track(9));
        var committer = Create();
        _fail = new KafkaException(ErrorCode.RebalanceInProgress);

        Assert.Equal(0, committer.Commit([tracker]));
        Assert.Single(_failures);

        _fail = null;
        Assert.Equal(1, committer.Commit([tracker]));
        Assert.Equal(10, Assert.Single(Assert.Single(_commits)).Offset.Value);
    }
}
