using Confluent.Kafka;
using KafkaConnector.Engine;

namespace KafkaConnector.Tests.Engine;

public sealed class FlowControllerTests
{
    private static readonly TopicPartition Orders0 = new("orders", 0);
    private static readonly TopicPartition Orders1 = new("orders", 1);
    private static readonly TopicPartition System0 = new("system", 0);

    private readonly FakePauser _consumer = new();
    private readonly Dictionary<TopicPartition, int> _load = [];

    private static FlowController Create(int total = 100, int partition = 10) => new(total, partition, p => p.Topic == "system");

    private (int Paused, int Resumed) Apply(FlowController flow) => flow.Apply(_consumer, _load.Values.Sum(), p => _load.GetValueOrDefault(p));

    [Fact]
    public void Apply_PartitionAtItsLimit_PausesOnlyThatPartition_AndResumesAtHalf()
    {
        var flow = Create();
        flow.Assigned([Orders0, Orders1]);
        Apply(flow);
        _load[Orders0] = 10;

        Assert.Equal((1, 0), Apply(flow));
        Assert.Equal([Orders0], _consumer.Paused);

        _load[Orders0] = 6;
        Assert.Equal((0, 0), Apply(flow)); // above half: stays paused
        _load[Orders0] = 5;
        Assert.Equal((0, 1), Apply(flow));
        Assert.Empty(_consumer.Paused);
        Assert.Equal(0, flow.PausedCount);
    }

    [Fact]
    public void Apply_TotalLimit_PausesEveryPartitionButTheExemptOnes()
    {
        var flow = Create(total: 12, partition: 10);
        flow.Assigned([Orders0, Orders1, System0]);
        _load[Orders0] = 6;
        _load[Orders1] = 6;

        Apply(flow);

        Assert.True(flow.OverTotal);
        Assert.Equal([Orders0, Orders1], _consumer.Paused.Order(Comparer));
        Assert.Equal(2, flow.PausedCount);
    }

    [Fact]
    public void Apply_ExemptPartition_NeverPauses_WhateverItsLoad()
    {
        var flow = Create();
        flow.Assigned([System0]);
        _load[System0] = 1000;

        Apply(flow);

        Assert.Empty(_consumer.Paused);
        Assert.Contains(System0, _consumer.ExplicitlyResumed); // established explicitly after its assignment
    }

    [Fact]
    public void Assigned_APartitionPausedBeforeARevocation_IsResumedExplicitly_EvenThoughNothingChangedInTheLoad()
    {
        // librdkafka keeps an application pause across revoke and assign.
        var flow = Create();
        flow.Assigned([Orders0]);
        _load[Orders0] = 10;
        Apply(flow);
        Assert.Equal([Orders0], _consumer.Paused);

        flow.Revoked([Orders0]);
        _load.Remove(Orders0); // its work was dropped with the revocation
        Assert.Equal(0, flow.PausedCount);
        Assert.Equal((0, 0), Apply(flow)); // not assigned: nothing to do
        flow.Assigned([Orders0]);

        Assert.Equal((0, 1), Apply(flow));
        Assert.Empty(_consumer.Paused);
    }

    [Fact]
    public void Assigned_Incrementally_KeptPausedPartitionsResumeWhenTheirLoadDrains()
    {
        // Cooperative-sticky and KIP-848: the new assignment names only the added partition.
        var flow = Create();
        flow.Assigned([Orders0]);
        _load[Orders0] = 10;
        Apply(flow);

        flow.Assigned([Orders1]);
        Apply(flow);
        Assert.Equal([Orders0], _consumer.Paused);
        Assert.Contains(Orders1, _consumer.ExplicitlyResumed);

        _load[Orders0] = 0;
        Apply(flow);
        Assert.Empty(_consumer.Paused);
    }

    [Fact]
    public void Assigned_WhileOverTheTotal_NewPartitionsArePausedExplicitly()
    {
        var flow = Create(total: 10, partition: 100);
        flow.Assigned([Orders0]);
        _load[Orders0] = 10;
        Apply(flow);

        flow.Assigned([Orders1]);
        Apply(flow);

        Assert.Equal([Orders0, Orders1], _consumer.Paused.Order(Comparer));
    }

    [Fact]
    public void WouldPause_TellsBeforeApply_OnlyForRunningPartitionsOverTheirLimit()
    {
        var flow = Create();
        flow.Assigned([Orders0, System0]);
        Apply(flow);
        _load[System0] = 50;
        Assert.False(flow.WouldPause(50, p => _load.GetValueOrDefault(p))); // exempt

        _load[Orders0] = 10;
        Assert.True(flow.WouldPause(60, p => _load.GetValueOrDefault(p)));
        Assert.Empty(_consumer.Paused); // only a question

        Apply(flow);
        Assert.False(flow.WouldPause(60, p => _load.GetValueOrDefault(p))); // already paused
    }

    [Fact]
    public void IsDue_AfterAnAssignment_AndAtALimit_ButNotOnTheQuietPath()
    {
        var flow = Create(total: 100, partition: 10);
        Assert.False(flow.IsDue(0, 0));

        flow.Assigned([Orders0]);
        Assert.True(flow.IsDue(0, 0)); // the new partition's state must be established
        Apply(flow);
        Assert.False(flow.IsDue(5, 5));

        Assert.True(flow.IsDue(5, 10)); // the partition just read is full
        Assert.True(flow.IsDue(100, 0)); // the total is
    }

    [Fact]
    public void Hold_PausesAtOnceWhateverTheLoad_AndReleaseLetsTheLoadDecideAgain()
    {
        var flow = Create();
        flow.Assigned([Orders0, Orders1]);
        Apply(flow);

        flow.Hold(Orders0);

        Assert.True(flow.IsDue(0, 0));
        Assert.False(flow.WouldPause(0, p => _load.GetValueOrDefault(p))); // a hold does not wait for work to drain
        Assert.Equal((1, 0), Apply(flow));
        Assert.Equal([Orders0], _consumer.Paused);
        Assert.Equal(1, flow.HeldCount);

        flow.Release(Orders0);
        Assert.True(flow.IsDue(0, 0));
        Assert.Equal((0, 1), Apply(flow));
        Assert.Empty(_consumer.Paused);
        Assert.Equal(0, flow.HeldCount);
    }

    [Fact]
    public void Hold_StaysPausedWhenTheLoadDrains_AndIsReappliedAfterAnIncrementalAssignment()
    {
        var flow = Create();
        flow.Assigned([Orders0]);
        _load[Orders0] = 10;
        Apply(flow);
        flow.Hold(Orders0);
        _load[Orders0] = 0;

        Apply(flow);
        flow.Assigned([Orders0, Orders1]); // state unknown again: established explicitly, still held
        Apply(flow);

        Assert.Equal([Orders0], _consumer.Paused);
    }

    [Fact]
    public void Hold_EndsWithTheRevocation_AndNeverAppliesToTheNodesOwnTopics()
    {
        var flow = Create();
        flow.Assigned([Orders0, System0]);
        flow.Hold(Orders0);
        flow.Hold(System0);
        Apply(flow);
        Assert.Equal([Orders0], _consumer.Paused);

        flow.Revoked([Orders0]);
        flow.Assigned([Orders0]);
        Apply(flow);

        Assert.Empty(_consumer.Paused);
        Assert.Equal(0, flow.HeldCount);
    }

    private static readonly Comparer<TopicPartition> Comparer = Comparer<TopicPartition>.Create((a, b) => a.Partition.Value.CompareTo(b.Partition.Value));
}
