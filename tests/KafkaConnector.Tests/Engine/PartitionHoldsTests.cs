using Confluent.Kafka;
using KafkaConnector.Engine;

namespace KafkaConnector.Tests.Engine;

public sealed class PartitionHoldsTests : IDisposable
{
    private static readonly TopicPartition Orders0 = new("orders", 0);
    private readonly PartitionHolds _holds = new(p => p.Topic == "system");
    private readonly CancellationTokenSource _assignment = new();
    private readonly CancellationTokenSource _nextAssignment = new();

    public void Dispose()
    {
        _assignment.Dispose();
        _nextAssignment.Dispose();
    }

    [Fact]
    public void WithoutHolds_NothingIsDeferred()
    {
        Assert.Equal(0, _holds.Count);
        Assert.False(_holds.ShouldDefer("orders", 0, 8, _assignment.Token));
        Assert.False(_holds.TryTake(out _));
    }

    [Fact]
    public void TryHold_PausesThePartition_AndDefersItsOtherMessages_OfThatAssignmentOnly()
    {
        var hold = _holds.TryHold("orders", 0, 7, _assignment.Token);

        Assert.NotNull(hold);
        Assert.Equal((Orders0, 7L), (hold.Partition, hold.Offset));
        Assert.Equal(1, _holds.Count);
        Assert.Equal([HoldChangeKind.Held], Changes());
        Assert.True(_holds.ShouldDefer("orders", 0, 8, _assignment.Token));
        Assert.False(_holds.ShouldDefer("orders", 1, 8, _assignment.Token));
        Assert.False(_holds.ShouldDefer("orders", 0, 8, _nextAssignment.Token));
    }

    [Fact]
    public void TryHold_OnAHeldPartition_ReturnsNull_TheMessageWaitsLikeTheOthers()
    {
        _holds.TryHold("orders", 0, 7, _assignment.Token);

        Assert.Null(_holds.TryHold("orders", 0, 9, _assignment.Token));
        Assert.Equal(1, _holds.Count);
    }

    [Fact]
    public void OnlyMessagesAfterTheHeldOne_Wait_EarlierOnesRun()
    {
        _holds.TryHold("orders", 0, 7, _assignment.Token);

        Assert.False(_holds.ShouldDefer("orders", 0, 6, _assignment.Token));
        Assert.True(_holds.ShouldDefer("orders", 0, 8, _assignment.Token));
    }

    [Fact]
    public async Task AnEarlierFailingMessage_TakesTheHoldOver_TheFormerHolderGivesUpAndIsReadAgain()
    {
        var later = _holds.TryHold("orders", 0, 7, _assignment.Token)!;
        Changes();

        var earlier = _holds.TryHold("orders", 0, 3, _assignment.Token);

        Assert.NotNull(earlier);
        await WaitCancelledAsync(later.Token);
        Assert.Equal(1, _holds.Count);
        Assert.True(_holds.ShouldDefer("orders", 0, 7, _assignment.Token));
        _holds.Abandon(later); // the former holder's cleanup changes nothing
        _holds.Release(earlier);
        Assert.Equal([HoldChangeKind.Held, HoldChangeKind.ReleasedRewind], Changes()); // the former holder's message is read again
    }

    [Fact]
    public void Release_WithNothingDeferred_ResumesAtOnce()
    {
        var hold = _holds.TryHold("orders", 0, 7, _assignment.Token)!;
        Changes();

        _holds.Release(hold);

        Assert.Equal([HoldChangeKind.Released], Changes());
        Assert.Equal(0, _holds.Count);
        Assert.False(_holds.ShouldDefer("orders", 0, 8, _assignment.Token));
    }

    [Fact]
    public void Release_AfterDeferringMessages_AsksForARewind_AndKeepsDeferringUntilRewound()
    {
        var hold = _holds.TryHold("orders", 0, 7, _assignment.Token)!;
        Assert.True(_holds.ShouldDefer("orders", 0, 8, _assignment.Token));
        Changes();

        _holds.Release(hold);

        Assert.Equal([HoldChangeKind.ReleasedRewind], Changes());
        Assert.True(_holds.ShouldDefer("orders", 0, 8, _assignment.Token)); // what comes before the rewind would be read twice
        _holds.Rewound(hold);
        Assert.Equal(0, _holds.Count);
        Assert.False(_holds.ShouldDefer("orders", 0, 8, _assignment.Token));
    }

    [Fact]
    public async Task Revoked_EndsTheHold_AndCancelsTheHolder_ThenItsReleaseChangesNothing()
    {
        var hold = _holds.TryHold("orders", 0, 7, _assignment.Token)!;
        Changes();

        _holds.Revoked([Orders0]);

        await WaitCancelledAsync(hold.Token);
        Assert.Equal(0, _holds.Count);
        _holds.Release(hold);
        _holds.Abandon(hold);
        Assert.Empty(Changes());
    }

    [Fact]
    public async Task TheAssignmentsToken_CancelsTheHolder()
    {
        var hold = _holds.TryHold("orders", 0, 7, _assignment.Token)!;

        await _assignment.CancelAsync();

        await WaitCancelledAsync(hold.Token);
    }

    [Fact]
    public async Task CancelAll_CancelsEveryHolder_AndAbandonResumes()
    {
        var orders = _holds.TryHold("orders", 0, 7, _assignment.Token)!;
        var system = _holds.TryHold("system", 0, 1, _assignment.Token)!;
        Changes();

        _holds.CancelAll();

        await WaitCancelledAsync(orders.Token);
        await WaitCancelledAsync(system.Token);
        _holds.Abandon(orders);
        Assert.Equal([HoldChangeKind.Released], Changes());
        Assert.Equal(0, _holds.Count);
    }

    [Fact]
    public void OnTheNodesOwnTopics_AHoldOnlyRetries_NothingIsPausedNorDeferred()
    {
        var hold = _holds.TryHold("system", 0, 1, _assignment.Token);
        _holds.HoldStopped("system", 0, 2, _assignment.Token);

        Assert.NotNull(hold);
        Assert.False(hold.Pauses);
        Assert.NotNull(_holds.TryHold("system", 0, 3, _assignment.Token)); // another key of the same partition retries too
        Assert.Equal(0, _holds.Count);
        Assert.Empty(Changes());
        Assert.False(_holds.ShouldDefer("system", 0, 8, _assignment.Token));
    }

    [Fact]
    public void Stop_KeepsThePartitionHeld_WithNothingToRelease()
    {
        var hold = _holds.TryHold("orders", 0, 7, _assignment.Token)!;
        Changes();

        _holds.Stop(hold);
        _holds.Release(hold);

        Assert.Empty(Changes());
        Assert.Equal(1, _holds.Count);
        Assert.True(_holds.ShouldDefer("orders", 0, 8, _assignment.Token));
    }

    [Fact]
    public void HoldStopped_HoldsThePartitionOnce_UntilRevoked()
    {
        _holds.HoldStopped("orders", 0, 7, _assignment.Token);
        _holds.HoldStopped("orders", 0, 8, _assignment.Token);

        Assert.Equal([HoldChangeKind.Held], Changes());
        Assert.True(_holds.ShouldDefer("orders", 0, 8, _assignment.Token));
        _holds.Revoked([Orders0]);
        Assert.Equal(0, _holds.Count);
    }

    [Fact]
    public async Task AHoldOfAnEarlierAssignment_GivesWayToTheNextOne()
    {
        var stale = _holds.TryHold("orders", 0, 7, _assignment.Token)!;

        var fresh = _holds.TryHold("orders", 0, 7, _nextAssignment.Token);

        Assert.NotNull(fresh);
        await WaitCancelledAsync(stale.Token);
        Assert.Equal(1, _holds.Count);
        Assert.True(_holds.ShouldDefer("orders", 0, 8, _nextAssignment.Token));
        Assert.False(_holds.ShouldDefer("orders", 0, 8, _assignment.Token));
    }

    private List<HoldChangeKind> Changes()
    {
        var kinds = new List<HoldChangeKind>();
        while (_holds.TryTake(out var change))
        {
            kinds.Add(change.Kind);
        }

        return kinds;
    }

    /// <summary>Holders are cancelled asynchronously (never on the poll thread): wait for it, bounded.</summary>
    private static Task WaitCancelledAsync(CancellationToken token) =>
        Task.Delay(Timeout.Infinite, token).ContinueWith(_ => { }, TaskScheduler.Default).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
}
