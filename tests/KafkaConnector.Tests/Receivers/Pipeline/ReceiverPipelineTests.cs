using System.Collections.Concurrent;
using KafkaConnector.Engine;
using KafkaConnector.Messages;
using KafkaConnector.Receivers;
using KafkaConnector.Receivers.Pipeline;
using KafkaConnector.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace KafkaConnector.Tests.Receivers.Pipeline;

/// <summary>The pipeline without a broker: stage order, retries through the stages, scopes, policies, holds, stop.</summary>
public sealed class ReceiverPipelineTests
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Stages_RunInRegistrationOrder_AroundTheReceiver()
    {
        var journal = new Journal();
        await using var harness = new PipelineHarness(b => b.AddReceiverStage<OuterStage>().AddReceiverStage<InnerStage>().AddReceiverStage<OuterStage>().Services.AddSingleton(journal));
        var receiver = new DelegateReceiver((m, _) => journal.Add("receiver " + m.ValueAsString()));

        await harness.InvokeAsync(PipelineHarness.Singleton(receiver), PipelineHarness.Message("m1"));

        Assert.Equal(["outer> DelegateReceiver 1", "inner>", "receiver m1", "<inner", "<outer"], journal.Entries); // OuterStage once: added twice
    }

    [Fact]
    public async Task ARetry_RunsTheStagesAgain_CountingTheAttempt_InAFreshScope_WithItemsKept()
    {
        var journal = new Journal();
        await using var harness = new PipelineHarness(b => b.AddReceiverStage<AttemptStage>().Services.AddSingleton(journal).AddScoped<ScopedThing>());
        var receiver = new DelegateReceiver((_, _) => journal.Entries.Count < 3 ? throw new TimeoutException("down") : Task.CompletedTask);

        await harness.InvokeAsync(PipelineHarness.Singleton(receiver, KafkaErrorPolicy.Retry(5, TimeSpan.FromMilliseconds(1))), PipelineHarness.Message("m1"));

        Assert.Equal(3, receiver.Calls);
        Assert.Equal(["attempt 1 seen 0", "attempt 2 seen 1", "attempt 3 seen 2"], journal.Entries.Select(e => e[..e.IndexOf(" scope", StringComparison.Ordinal)]));
        Assert.Equal(3, journal.Entries.Select(e => e[e.IndexOf(" scope", StringComparison.Ordinal)..]).Distinct().Count()); // a scope per attempt
        Assert.Empty(harness.DeadLetters);
    }

    [Fact]
    public async Task AScopedReceiver_IsResolvedFromTheScopeTheStagesSee()
    {
        var journal = new Journal();
        await using var harness = new PipelineHarness(b => b
            .AddReceiverStage<AttemptStage>()
            .Services.AddSingleton(journal).AddScoped<ScopedThing>().AddScoped<ScopedReceiver>());
        var registration = ReceiverRegistration.ForType(typeof(ScopedReceiver), KafkaTopicFilter.Parse("orders"), null);

        await harness.InvokeAsync(registration, PipelineHarness.Message("m1"));

        var stage = journal.Entries[0][journal.Entries[0].IndexOf("scope ", StringComparison.Ordinal)..];
        Assert.Equal(["attempt 1 seen 0 " + stage, "receiver " + stage], journal.Entries);
    }

    [Fact]
    public async Task AStageThatDoesNotCallTheNextHandler_FinishesTheMessageWithoutTheReceiver()
    {
        await using var harness = new PipelineHarness(b => b.AddReceiverStage<SkipStage>());
        var receiver = new DelegateReceiver((_, _) => throw new InvalidOperationException("never called"));

        await harness.InvokeAsync(PipelineHarness.Singleton(receiver), PipelineHarness.Message("skip"));

        Assert.Equal(0, receiver.Calls);
        Assert.Empty(harness.DeadLetters);
    }

    [Fact]
    public async Task AStageThatThrows_IsAFailureLikeTheReceivers_RetriedThenDeadLettered()
    {
        await using var harness = new PipelineHarness(b => b.AddReceiverStage<SkipStage>());
        var receiver = new DelegateReceiver((_, _) => Task.CompletedTask);

        await harness.InvokeAsync(PipelineHarness.Singleton(receiver, KafkaErrorPolicy.Retry(2)), PipelineHarness.Message("throw"));

        var dead = Assert.Single(harness.DeadLetters);
        Assert.Equal("orders.DLT", dead.Topic);
        Assert.Equal("3", Header(dead, DeadLetterHeaders.Attempts));
        Assert.Equal("stage says no", Header(dead, DeadLetterHeaders.ExceptionMessage));
    }

    [Fact]
    public async Task WithoutAPolicy_DispatchMaxRetriesRetries_ThenTheDeadLetterTopic()
    {
        await using var harness = new PipelineHarness(options: o => o.MaxRetries = 2);
        var receiver = new DelegateReceiver((_, _) => throw new TimeoutException("down"));
        var registration = PipelineHarness.Singleton(receiver);

        await harness.InvokeAsync(registration, PipelineHarness.Message("m1", offset: 4));

        Assert.Equal(3, receiver.Calls);
        var dead = Assert.Single(harness.DeadLetters);
        Assert.Equal(("3", "4", nameof(DelegateReceiver)), (Header(dead, DeadLetterHeaders.Attempts), Header(dead, DeadLetterHeaders.OriginalOffset), Header(dead, DeadLetterHeaders.Receiver)));
        Assert.Equal(1, ReceiverInvoker.ConsecutiveDeadLetters([registration])[nameof(DelegateReceiver)]);
    }

    [Fact]
    public async Task AnExceptionThePolicyDoesNotHandle_SkipsTheRetries()
    {
        await using var harness = new PipelineHarness();
        var receiver = new DelegateReceiver((m, _) => m.ValueAsString() == "poison" ? throw new FormatException("poison") : throw new TimeoutException("down"));
        var registration = PipelineHarness.Singleton(receiver, KafkaErrorPolicy.Retry(4).Handle<TimeoutException>());

        await harness.InvokeAsync(registration, PipelineHarness.Message("poison"));
        Assert.Equal(1, receiver.Calls);
        await harness.InvokeAsync(registration, PipelineHarness.Message("transient"));
        Assert.Equal(1 + 5, receiver.Calls);
        Assert.Equal(["1", "5"], harness.DeadLetters.Select(d => Header(d, DeadLetterHeaders.Attempts)));
    }

    [Fact]
    public async Task ASuccess_EndsARunOfDeadLetters()
    {
        await using var harness = new PipelineHarness();
        var receiver = new DelegateReceiver((m, _) => m.ValueAsString() == "bad" ? throw new FormatException() : Task.CompletedTask);
        var registration = PipelineHarness.Singleton(receiver, KafkaErrorPolicy.DeadLetter());

        await harness.InvokeAsync(registration, PipelineHarness.Message("bad"));
        await harness.InvokeAsync(registration, PipelineHarness.Message("bad"));
        Assert.Equal(2, ReceiverInvoker.ConsecutiveDeadLetters([registration])[nameof(DelegateReceiver)]);
        await harness.InvokeAsync(registration, PipelineHarness.Message("good"));

        Assert.Empty(ReceiverInvoker.ConsecutiveDeadLetters([registration]));
    }

    [Fact]
    public async Task AnInternalReceiver_IsCalledOnce_NeverDeadLettered_AndSkipsTheStages()
    {
        var journal = new Journal();
        await using var harness = new PipelineHarness(b => b.AddReceiverStage<InnerStage>().Services.AddSingleton(journal), o => o.MaxRetries = 5);
        var receiver = new DelegateReceiver((_, _) => throw new InvalidOperationException("handler failed"));

        await harness.InvokeAsync(ReceiverRegistration.Internal("cluster-requests", receiver, KafkaTopicFilter.Parse("system")), PipelineHarness.Message("request", topic: "system"));

        Assert.Equal(1, receiver.Calls);
        Assert.Empty(harness.DeadLetters);
        Assert.Empty(journal.Entries);
    }

    [Fact]
    public async Task Hold_HoldsThePartition_RetriesUntilTheMessageSucceeds_ThenReleasesIt_WhileOtherMessagesOfItWait()
    {
        await using var harness = new PipelineHarness();
        var down = true;
        var receiver = new DelegateReceiver((m, _) => m.ValueAsString() == "held" && Volatile.Read(ref down) ? throw new TimeoutException("down") : Task.CompletedTask);
        var registration = PipelineHarness.Singleton(receiver, KafkaErrorPolicy.Retry(1).ThenHold(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(2)));

        var held = harness.InvokeAsync(registration, PipelineHarness.Message("held", offset: 10));
        await Eventually.UntilAsync(() => receiver.Calls >= 5, WaitLimit, () => $"the held message retried; {receiver.Calls} calls", TestContext.Current.CancellationToken);

        Assert.False(held.IsCompleted);
        Assert.Equal(1, harness.Holds.Count);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => harness.InvokeAsync(registration, PipelineHarness.Message("behind", offset: 11)));
        await harness.InvokeAsync(registration, PipelineHarness.Message("other partition", partition: 1)); // flows
        Volatile.Write(ref down, false);
        await held.WaitAsync(WaitLimit, TestContext.Current.CancellationToken);

        Assert.Empty(harness.DeadLetters);
        Assert.Equal([HoldChangeKind.Held, HoldChangeKind.ReleasedRewind], Changes(harness.Holds)); // the deferred message is read again
    }

    [Fact]
    public async Task Hold_OnAnExceptionItDoesNotHandle_ReleasesThePartition_AndDeadLetters()
    {
        await using var harness = new PipelineHarness();
        var calls = 0;
        var receiver = new DelegateReceiver((_, _) => ++calls < 3 ? throw new TimeoutException("down") : throw new FormatException("poison after all"));
        var registration = PipelineHarness.Singleton(receiver, KafkaErrorPolicy.Hold(TimeSpan.FromMilliseconds(1)).Handle<TimeoutException>());

        await harness.InvokeAsync(registration, PipelineHarness.Message("m"));

        Assert.Equal(3, receiver.Calls);
        Assert.Equal(typeof(FormatException).FullName, Header(Assert.Single(harness.DeadLetters), DeadLetterHeaders.ExceptionType));
        Assert.Equal([HoldChangeKind.Held, HoldChangeKind.Released], Changes(harness.Holds));
        Assert.Equal(0, harness.Holds.Count);
    }

    [Fact]
    public async Task Hold_EndsWhenThePartitionIsRevoked_TheMessageStaysUnfinished()
    {
        await using var harness = new PipelineHarness();
        var receiver = new DelegateReceiver((_, _) => throw new TimeoutException("down"));
        var held = harness.InvokeAsync(PipelineHarness.Singleton(receiver, KafkaErrorPolicy.Hold(TimeSpan.FromMilliseconds(1))), PipelineHarness.Message("m"));
        await Eventually.UntilAsync(() => harness.Holds.Count == 1, WaitLimit, () => "the hold", TestContext.Current.CancellationToken);

        await harness.RevokeAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => held.WaitAsync(WaitLimit, TestContext.Current.CancellationToken));
        Assert.Empty(harness.DeadLetters);
        Assert.Equal(0, harness.Holds.Count);
    }

    [Fact]
    public async Task Stop_TheReceiverGetsNothingMore_ItsMessagesStayUnfinished_AndTheirPartitionsHeld()
    {
        await using var harness = new PipelineHarness();
        var receiver = new DelegateReceiver((_, _) => throw new InvalidOperationException("cannot go on"));
        var registration = PipelineHarness.Singleton(receiver, KafkaErrorPolicy.Retry(1).ThenStop());

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => harness.InvokeAsync(registration, PipelineHarness.Message("m", partition: 0)));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => harness.InvokeAsync(registration, PipelineHarness.Message("next", partition: 1)));

        Assert.Equal(2, receiver.Calls); // the first message and its retry; nothing after
        Assert.Equal([nameof(DelegateReceiver)], ReceiverInvoker.Stopped([registration]));
        Assert.Equal(2, harness.Holds.Count);
        Assert.Empty(harness.DeadLetters);
    }

    [Fact]
    public async Task Start_AStageThatCannotBeBuilt_FailsNamingIt()
    {
        await using var harness = new PipelineHarness(b => b.AddReceiverStage<UnbuildableStage>());

        var error = Assert.Throws<InvalidOperationException>(harness.Invoker.Start);

        Assert.Equal("Receiver stage UnbuildableStage could not be created: InvalidOperationException: no tracer", error.Message);
    }

    private static string Header(KafkaMessage message, string name) => System.Text.Encoding.UTF8.GetString(message.Headers.GetLastBytes(name));

    private static List<HoldChangeKind> Changes(PartitionHolds holds)
    {
        var kinds = new List<HoldChangeKind>();
        while (holds.TryTake(out var change))
        {
            kinds.Add(change.Kind);
        }

        return kinds;
    }

    private sealed class Journal
    {
        public ConcurrentQueue<string> Queue { get; } = new();

        public List<string> Entries => [.. Queue];

        public Task Add(string entry)
        {
            Queue.Enqueue(entry);
            return Task.CompletedTask;
        }
    }

    private sealed class ScopedThing
    {
        public Guid Id { get; } = Guid.NewGuid();
    }

    private sealed class OuterStage(Journal journal) : IKafkaReceiverStage
    {
        public async ValueTask InvokeAsync(KafkaReceiveContext context, KafkaReceiveHandler nextHandler)
        {
            await journal.Add($"outer> {context.ReceiverName} {context.Attempt}");
            await nextHandler(context);
            await journal.Add("<outer");
        }
    }

    private sealed class InnerStage(Journal journal) : IKafkaReceiverStage
    {
        public async ValueTask InvokeAsync(KafkaReceiveContext context, KafkaReceiveHandler nextHandler)
        {
            await journal.Add("inner>");
            await nextHandler(context);
            await journal.Add("<inner");
        }
    }

    /// <summary>Counts attempts in the context's items; names the attempt's scope by a scoped service.</summary>
    private sealed class AttemptStage(Journal journal) : IKafkaReceiverStage
    {
        public async ValueTask InvokeAsync(KafkaReceiveContext context, KafkaReceiveHandler nextHandler)
        {
            var seen = context.Items.TryGetValue("seen", out var value) ? (int)value! : 0;
            context.Items["seen"] = seen + 1;
            await journal.Add($"attempt {context.Attempt} seen {seen} scope {context.Services.GetRequiredService<ScopedThing>().Id}");
            await nextHandler(context);
        }
    }

    private sealed class ScopedReceiver(Journal journal, ScopedThing thing) : IKafkaMessageReceiver
    {
        public Task ReceiveAsync(KafkaMessage message, CancellationToken cancellationToken) => journal.Add($"receiver scope {thing.Id}");
    }

    private sealed class SkipStage : IKafkaReceiverStage
    {
        public ValueTask InvokeAsync(KafkaReceiveContext context, KafkaReceiveHandler nextHandler) => context.Message.ValueAsString() switch
        {
            "skip" => ValueTask.CompletedTask,
            "throw" => throw new InvalidOperationException("stage says no"),
            _ => nextHandler(context),
        };
    }

    private sealed class UnbuildableStage : IKafkaReceiverStage
    {
        public UnbuildableStage() => throw new InvalidOperationException("no tracer");

        public ValueTask InvokeAsync(KafkaReceiveContext context, KafkaReceiveHandler nextHandler) => nextHandler(context);
    }
}
