using KafkaConnector.Configuration;
using KafkaConnector.Receivers;
using KafkaConnector.Receivers.Pipeline;

namespace KafkaConnector.Tests.Receivers;

public sealed class KafkaErrorPolicyTests
{
    private static readonly KafkaDispatchOptions Options = new()
    {
        MaxRetries = 3,
        RetryBackoff = TimeSpan.FromMilliseconds(200),
        MaxRetryBackoff = TimeSpan.FromSeconds(5),
    };

    private static readonly Exception Timeout = new TimeoutException("downstream");

    [Fact]
    public void Default_IsDispatchMaxRetriesWithTheConfiguredBackoff_ThenDeadLetter()
    {
        var policy = KafkaErrorPolicy.Default(Options).WithBackoffsFrom(Options);

        Assert.Equal(
            [KafkaErrorAction.Retry, KafkaErrorAction.Retry, KafkaErrorAction.Retry, KafkaErrorAction.DeadLetter],
            Decisions(policy, 1, 2, 3, 4));
        Assert.Equal([200, 400, 800], Milliseconds(policy, 1, 2, 3));
        Assert.Equal("retry 3 (200ms..5s), then dead-letter", KafkaErrorPolicy.Default(Options).ToString());
    }

    [Fact]
    public void RetryThenHold_RetriesThenHoldsForEver_WithTheHoldsOwnCappedBackoff()
    {
        var policy = KafkaErrorPolicy.Retry(2, TimeSpan.FromMilliseconds(10))
            .ThenHold(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(4))
            .WithBackoffsFrom(Options);

        Assert.Equal(
            [KafkaErrorAction.Retry, KafkaErrorAction.Retry, KafkaErrorAction.Hold, KafkaErrorAction.Hold, KafkaErrorAction.Hold],
            Decisions(policy, 1, 2, 3, 4, 1000));
        Assert.Equal([10, 20], Milliseconds(policy, 1, 2));
        Assert.Equal([1000, 2000, 4000, 4000, 4000], Milliseconds(policy, 3, 4, 5, 6, 100_000));
    }

    [Fact]
    public void Then_ReplacesTheFinalAction_AndKeepsTheRest_WithoutChangingTheOriginal()
    {
        var retry = KafkaErrorPolicy.Retry(1);

        var stop = retry.ThenStop();
        var back = stop.ThenDeadLetter();

        Assert.Equal(KafkaErrorAction.Stop, stop.Decide(Timeout, 2));
        Assert.Equal(KafkaErrorAction.DeadLetter, back.Decide(Timeout, 2));
        Assert.Equal(KafkaErrorAction.DeadLetter, retry.Decide(Timeout, 2)); // immutable
        Assert.Equal(KafkaErrorAction.Retry, stop.Decide(Timeout, 1));
        Assert.Equal("retry 1, then stop", stop.ToString());
    }

    [Fact]
    public void StaticShortcuts_HaveNoRetries()
    {
        Assert.Equal(KafkaErrorAction.DeadLetter, KafkaErrorPolicy.DeadLetter().Decide(Timeout, 1));
        Assert.Equal(KafkaErrorAction.Stop, KafkaErrorPolicy.Stop().Decide(Timeout, 1));
        Assert.Equal(KafkaErrorAction.Hold, KafkaErrorPolicy.Hold().Decide(Timeout, 1));
        Assert.Equal(KafkaErrorAction.DeadLetter, KafkaErrorPolicy.Retry(0).Decide(Timeout, 1));
    }

    [Fact]
    public void Handle_ExceptionsNotHandled_GoStraightToTheFinalAction_DerivedTypesAreHandled()
    {
        var policy = KafkaErrorPolicy.Retry(3).ThenHold().Handle<IOException>().ThenStop();

        Assert.Equal(KafkaErrorAction.Retry, policy.Decide(new FileNotFoundException(), 1)); // derives from IOException
        Assert.Equal(KafkaErrorAction.Hold, policy.Decide(new IOException(), 4));
        Assert.Equal(KafkaErrorAction.Stop, policy.Decide(new FormatException(), 1));
        Assert.Equal(KafkaErrorAction.Stop, policy.Decide(new FormatException(), 4));
        Assert.Equal("retry 3, then hold, then stop (handles IOException)", policy.ToString());
    }

    [Fact]
    public void Handle_TypesAndPredicatesAddUp()
    {
        var policy = KafkaErrorPolicy.Retry(1)
            .Handle<TimeoutException>()
            .Handle(e => e.Message == "transient")
            .Handle(e => e is ArgumentException { ParamName: "retry-me" });

        Assert.True(policy.Handles(new TimeoutException()));
        Assert.True(policy.Handles(new InvalidOperationException("transient")));
        Assert.True(policy.Handles(new ArgumentException("x", "retry-me")));
        Assert.False(policy.Handles(new InvalidOperationException("poison")));
        Assert.True(KafkaErrorPolicy.Retry(1).Handles(new InvalidOperationException("anything")));
    }

    [Fact]
    public void OpenBackoffs_ComeFromTheOptions_AndTheBoundIsNeverBelowTheFirstDelay()
    {
        var policy = KafkaErrorPolicy.Retry(5, backoff: TimeSpan.FromSeconds(8)).WithBackoffsFrom(Options);
        var hold = KafkaErrorPolicy.Hold(maxBackoff: TimeSpan.FromMilliseconds(300)).WithBackoffsFrom(Options);

        Assert.Equal([8000, 8000], Milliseconds(policy, 1, 2)); // Dispatch:MaxRetryBackoff (5 s) is below 8 s
        Assert.Equal([200, 300, 300], Milliseconds(hold, 1, 2, 3));
    }

    [Theory]
    [InlineData(-1, null, null, "retries")]
    [InlineData(1, 0, null, "backoff")]
    [InlineData(1, -5, null, "backoff")]
    [InlineData(1, 100, 50, "maxBackoff")]
    [InlineData(1, null, 0, "maxBackoff")]
    public void Retry_BadValues_ThrowWhenBuilt_NamingTheParameter(int retries, int? backoffMs, int? maxMs, string parameter)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => KafkaErrorPolicy.Retry(retries, Ms(backoffMs), Ms(maxMs)));

        Assert.Equal(parameter, error.ParamName);
    }

    [Theory]
    [InlineData(0, null, "backoff")]
    [InlineData(1000, 999, "maxBackoff")]
    public void Hold_BadValues_ThrowWhenBuilt_NamingTheParameter(int? backoffMs, int? maxMs, string parameter)
    {
        Assert.Equal(parameter, Assert.Throws<ArgumentOutOfRangeException>(() => KafkaErrorPolicy.Hold(Ms(backoffMs), Ms(maxMs))).ParamName);
        Assert.Equal(parameter, Assert.Throws<ArgumentOutOfRangeException>(() => KafkaErrorPolicy.Retry(1).ThenHold(Ms(backoffMs), Ms(maxMs))).ParamName);
    }

    [Fact]
    public void Handle_NullPredicate_Throws() =>
        Assert.Equal("predicate", Assert.Throws<ArgumentNullException>(() => KafkaErrorPolicy.Retry(1).Handle(null!)).ParamName);

    private static List<KafkaErrorAction> Decisions(KafkaErrorPolicy policy, params int[] failures) => [.. failures.Select(f => policy.Decide(Timeout, f))];

    private static List<double> Milliseconds(KafkaErrorPolicy policy, params int[] failures) => [.. failures.Select(f => policy.Delay(f).TotalMilliseconds)];

    private static TimeSpan? Ms(int? value) => value is { } ms ? TimeSpan.FromMilliseconds(ms) : null;
}
