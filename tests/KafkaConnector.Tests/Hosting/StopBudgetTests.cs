using KafkaConnector.Hosting;

namespace KafkaConnector.Tests.Hosting;

public sealed class StopBudgetTests
{
    private readonly ManualTime _time = new();

    [Fact]
    public async Task EachStep_GetsWhatTheEarlierStepsLeft()
    {
        var budget = new StopBudget(TimeSpan.FromSeconds(10), _time);
        var bounds = new List<TimeSpan>();

        await budget.SpendAsync(bound => Step(bound, TimeSpan.FromSeconds(3)));
        await budget.SpendAsync(bound => Step(bound, TimeSpan.FromSeconds(4)));
        await budget.SpendAsync(bound => Step(bound, TimeSpan.Zero));

        Assert.Equal([TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(7), TimeSpan.FromSeconds(3)], bounds);
        Assert.Equal(TimeSpan.FromSeconds(7), budget.Spent);

        Task Step(TimeSpan bound, TimeSpan takes)
        {
            bounds.Add(bound);
            _time.Advance(takes);
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task AStepAfterTheBudgetIsSpent_StillGetsTheMinimum()
    {
        var budget = new StopBudget(TimeSpan.FromSeconds(2), _time);
        await budget.SpendAsync(_ =>
        {
            _time.Advance(TimeSpan.FromSeconds(5));
            return Task.CompletedTask;
        });

        TimeSpan? last = null;
        await budget.SpendAsync(bound =>
        {
            last = bound;
            return Task.CompletedTask;
        });

        Assert.Equal(StopBudget.MinimumStep, last);
    }

    [Fact]
    public async Task TimeBetweenSteps_IsNotCharged()
    {
        var budget = new StopBudget(TimeSpan.FromSeconds(10), _time);
        await budget.SpendAsync(_ =>
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            return Task.CompletedTask;
        });

        _time.Advance(TimeSpan.FromSeconds(20)); // other hosted services stopping

        Assert.Equal(TimeSpan.FromSeconds(9), budget.Remaining);
    }

    [Fact]
    public async Task AFailingStep_IsChargedToo()
    {
        var budget = new StopBudget(TimeSpan.FromSeconds(10), _time);

        await Assert.ThrowsAsync<InvalidOperationException>(() => budget.SpendAsync(_ =>
        {
            _time.Advance(TimeSpan.FromSeconds(4));
            throw new InvalidOperationException("step failed");
        }));

        Assert.Equal(TimeSpan.FromSeconds(6), budget.Remaining);
    }

    /// <summary>A clock that moves only when told to.</summary>
    private sealed class ManualTime : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }
}
