using KafkaConnector.Diagnostics;
using Microsoft.Extensions.Time.Testing;

namespace KafkaConnector.Tests.Diagnostics;

public sealed class RepeatedMessageFilterTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void AlikeMessages_AreWrittenOncePerWindow_ThenWithTheCountHeldBack()
    {
        var filter = new RepeatedMessageFilter(_time, TimeSpan.FromSeconds(30));

        Assert.True(filter.ShouldWrite("c1", "Connect to 127.0.0.1:1 failed (after 0ms)", out var first));
        var heldBack = Enumerable.Range(0, 25).Count(i =>
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            return !filter.ShouldWrite("c1", $"Connect to 127.0.0.1:1 failed (after {i}ms)", out _);
        });
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.True(filter.ShouldWrite("c1", "Connect to 127.0.0.1:1 failed (after 3ms)", out var later));

        Assert.Equal(0, first);
        Assert.Equal(25, heldBack);
        Assert.Equal(25, later);
    }

    [Fact]
    public void DifferentMessagesOrClients_AreNotHeldBack()
    {
        var filter = new RepeatedMessageFilter(_time, TimeSpan.FromSeconds(30));

        Assert.True(filter.ShouldWrite("c1", "broker down", out _));
        Assert.True(filter.ShouldWrite("c1", "authentication failed", out _));
        Assert.True(filter.ShouldWrite("c2", "broker down", out _));
        Assert.False(filter.ShouldWrite("c1", "broker down", out _));
    }

    [Fact]
    public void LibrdkafkasOwnSuppressionNote_StillCountsAsAlike()
    {
        var filter = new RepeatedMessageFilter(_time, TimeSpan.FromSeconds(30));

        Assert.True(filter.ShouldWrite("c1", "Connect failed (after 0ms in state CONNECT)", out _));
        Assert.False(filter.ShouldWrite("c1", "Connect failed (after 0ms in state CONNECT, 1 identical error(s) suppressed)", out _));
    }
}
