using KafkaConnector.AspNetCore.WebSockets;
using KafkaConnector.AspNetCore.WebSockets.Internal;

namespace KafkaConnector.AspNetCore.Tests.WebSockets;

public sealed class SendQueueTests
{
    private static readonly KafkaWebSocketFrame Frame = KafkaWebSocketFrame.FromText("x");

    [Fact]
    public async Task A_full_queue_waits_for_room_and_never_holds_more_than_its_capacity()
    {
        var queue = new SendQueue(2, TimeSpan.FromSeconds(30));
        Assert.True(await queue.EnqueueAsync(Frame, TestContext.Current.CancellationToken));
        Assert.True(await queue.EnqueueAsync(Frame, TestContext.Current.CancellationToken));

        var third = queue.EnqueueAsync(Frame, TestContext.Current.CancellationToken).AsTask();
        Assert.False(third.IsCompleted);
        Assert.True(queue.Reader.TryRead(out _));
        Assert.True(await third);
        Assert.Equal(2, queue.HighWater);
        Assert.False(queue.TryEnqueue(Frame));
    }

    [Fact]
    public async Task A_queue_full_past_the_bound_throws_the_slow_client_exception()
    {
        var queue = new SendQueue(1, TimeSpan.FromMilliseconds(50));
        Assert.True(queue.TryEnqueue(Frame));

        var error = await Assert.ThrowsAsync<KafkaWebSocketSlowClientException>(() => queue.EnqueueAsync(Frame, TestContext.Current.CancellationToken).AsTask());
        Assert.Equal(1, error.Capacity);
    }

    [Fact]
    public async Task A_completed_queue_refuses_frames_and_cancellation_is_not_a_slow_client()
    {
        var queue = new SendQueue(1, TimeSpan.FromSeconds(30));
        Assert.True(queue.TryEnqueue(Frame));
        using var cancel = new CancellationTokenSource();
        var waiting = queue.EnqueueAsync(Frame, cancel.Token).AsTask();
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);

        queue.Complete();
        Assert.False(queue.TryEnqueue(Frame));
    }
}
