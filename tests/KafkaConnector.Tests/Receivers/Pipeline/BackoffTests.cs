using KafkaConnector.Receivers.Pipeline;

namespace KafkaConnector.Tests.Receivers.Pipeline;

public sealed class BackoffTests
{
    [Theory]
    [InlineData(1, 100)]
    [InlineData(2, 200)]
    [InlineData(4, 800)]
    [InlineData(6, 1000)]
    [InlineData(int.MaxValue, 1000)]
    public void Compute_DoublesFromTheFirstDelay_UpToTheBound(int failures, int expectedMs) =>
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), Backoff.Compute(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1), failures));

    [Fact]
    public void Compute_HugeFirstDelayOrLongHold_DoesNotOverflow() =>
        Assert.Equal(TimeSpan.FromDays(30), Backoff.Compute(TimeSpan.FromDays(365), TimeSpan.FromDays(30), 50));
}
