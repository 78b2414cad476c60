using Confluent.Kafka;
using KafkaConnector.Consumers;
using KafkaConnector.Engine;
using KafkaConnector.Tests.Engine;

namespace KafkaConnector.Tests.Consumers;

/// <summary>The buffer between an async stream's poll thread and its loop, without a broker.</summary>
public sealed class StreamChannelTests
{
    private static PartitionTracker Tracker(int partition) => new(new TopicPartition("orders", partition), CancellationToken.None);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Read_ReturnsMessagesInTheOrderAdded_AndCountsWhatIsBuffered()
    {
        var channel = new StreamChannel();
        var tracker = Tracker(0);
        channel.Add(ScriptedConsumer.Message(0, 0), tracker);
        channel.Add(ScriptedConsumer.Message(0, 1), tracker);
        channel.Add(ScriptedConsumer.Message(0, 2), tracker);

        var first = await channel.ReadAsync(Ct);
        var second = await channel.ReadAsync(Ct);

        Assert.Equal([0L, 1L], [first!.Result.Offset.Value, second!.Result.Offset.Value]);
        Assert.Equal(1, channel.Count.Value);
        Assert.Equal(3, channel.Count.Max);
        Assert.Equal(3, tracker.Outstanding); // read is not finished: only the loop moving past a message finishes it
        Assert.Equal(0, tracker.TakeCommit()!.Offset.Value);
    }

    [Fact]
    public async Task Read_SkipsMessagesOfARevokedPartition_LeavingThemUncommitted()
    {
        var channel = new StreamChannel();
        var revoked = Tracker(0);
        var kept = Tracker(1);
        channel.Add(ScriptedConsumer.Message(0, 10), revoked);
        channel.Add(ScriptedConsumer.Message(0, 11), revoked);
        channel.Add(ScriptedConsumer.Message(1, 20), kept);

        revoked.Revoke();
        var item = await channel.ReadAsync(Ct);

        Assert.Same(kept, item!.Tracker);
        Assert.Equal(20, item.Result.Offset.Value);
        Assert.Equal(0, revoked.Outstanding);
        Assert.Equal(10, revoked.Watermark); // nothing of it moved: its next owner reads it again from 10
        Assert.Equal(0, channel.Count.Value);
    }

    [Fact]
    public async Task Read_WaitsForTheNextMessage()
    {
        var channel = new StreamChannel();

        var pending = channel.ReadAsync(Ct).AsTask();
        Assert.False(pending.IsCompleted);
        channel.Add(ScriptedConsumer.Message(0, 7), Tracker(0));

        Assert.Equal(7, (await pending.WaitAsync(TimeSpan.FromSeconds(10), Ct))!.Result.Offset.Value);
    }

    [Fact]
    public async Task Read_Cancelled_ThrowsOperationCanceled_WhileWaiting_AndWithMessagesBuffered()
    {
        var channel = new StreamChannel();
        using var cancel = new CancellationTokenSource();

        var waiting = channel.ReadAsync(cancel.Token).AsTask();
        await cancel.CancelAsync();
        channel.Add(ScriptedConsumer.Message(0, 0), Tracker(0));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(10), Ct));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => channel.ReadAsync(cancel.Token).AsTask());
        Assert.Equal(1, channel.Count.Value); // left buffered, uncommitted
    }

    [Fact]
    public async Task End_WithoutAnError_EndsReadingQuietly_EvenWithMessagesBuffered()
    {
        var channel = new StreamChannel();
        var waiting = channel.ReadAsync(Ct).AsTask();

        channel.End();
        channel.Add(ScriptedConsumer.Message(0, 0), Tracker(0));

        Assert.Null(await waiting.WaitAsync(TimeSpan.FromSeconds(10), Ct));
        Assert.Null(await channel.ReadAsync(Ct));
        Assert.Equal(0, channel.Count.Value); // added after the end: not buffered
    }

    [Fact]
    public async Task End_WithAnError_ThrowsTheFirstErrorFromEveryLaterRead()
    {
        var channel = new StreamChannel();
        channel.Add(ScriptedConsumer.Message(0, 0), Tracker(0));
        var fatal = new KafkaException(ErrorCode.Local_Fatal);

        channel.End(fatal);
        channel.End(new InvalidOperationException("later"));
        channel.End();

        Assert.Same(fatal, await Assert.ThrowsAsync<KafkaException>(() => channel.ReadAsync(Ct).AsTask()));
        Assert.Same(fatal, await Assert.ThrowsAsync<KafkaException>(() => channel.ReadAsync(Ct).AsTask()));
        Assert.True(channel.Ended);
    }
}
