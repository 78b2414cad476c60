using Confluent.Kafka;
using KafkaConnector.Engine;

namespace KafkaConnector.Tests.Engine;

public sealed class PartitionEpochsTests
{
    private static readonly TopicPartition Partition = new("orders", 0);

    [Fact]
    public void StoreIfCurrent_AfterARevocationDuringHandling_DoesNotStore()
    {
        var epochs = new PartitionEpochs();
        var readIn = epochs.Current(Partition);
        var stored = new List<long>();

        epochs.Revoke([Partition]); // while the observer handled the message

        Assert.False(epochs.StoreIfCurrent(Partition, readIn, 7L, stored.Add));
        Assert.Empty(stored);
        Assert.False(epochs.IsCurrent(Partition, readIn));
    }

    [Fact]
    public void StoreIfCurrent_SameEpoch_Stores()
    {
        var epochs = new PartitionEpochs();
        var stored = new List<long>();

        Assert.True(epochs.StoreIfCurrent(Partition, epochs.Current(Partition), 7L, stored.Add));

        Assert.Equal([7L], stored);
    }

    [Fact]
    public async Task Revoke_WaitsForAStoreInProgress_SoTheRevocationsCommitIncludesIt()
    {
        var epochs = new PartitionEpochs();
        var epoch = epochs.Current(Partition);
        using var inStore = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var storing = Task.Run(() => epochs.StoreIfCurrent(Partition, epoch, 0, _ =>
        {
            inStore.Set();
            release.Wait(TestContext.Current.CancellationToken);
        }), TestContext.Current.CancellationToken);
        Assert.True(inStore.Wait(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken), "the store to start");

        var revoking = Task.Run(() => epochs.Revoke([Partition]), TestContext.Current.CancellationToken);
        // Without the shared lock the revocation finishes in microseconds; with it, not before the store returns.
        await Task.WhenAny(revoking, Task.Delay(200, TestContext.Current.CancellationToken));
        Assert.False(revoking.IsCompleted, "the revocation must wait for the store under way");
        release.Set();

        Assert.True(await storing);
        await revoking.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.False(epochs.IsCurrent(Partition, epoch));
    }
}
