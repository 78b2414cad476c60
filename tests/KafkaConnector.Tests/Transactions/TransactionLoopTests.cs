using Confluent.Kafka;
using KafkaConnector.Receivers;
using KafkaConnector.Transactions;

namespace KafkaConnector.Tests.Transactions;

/// <summary>
/// The transactional receiver's loop without a broker: what it asks of the transactional producer
/// (begin, produce, offsets, commit, abort) and of the consumer (seek, pause) for batches,
/// failures, rebalances and fatal errors.
/// </summary>
public sealed class TransactionLoopTests
{
    private static readonly KafkaErrorPolicy RetryOnce = KafkaErrorPolicy.Retry(1, TimeSpan.FromMilliseconds(200));

    [Fact]
    public void Batches_CommitEveryMaxBatchSizeMessages_WithTheOffsetAfterTheirLastMessage_TheRestWhenItsTimeIsUp()
    {
        using var run = new LoopHarness(RetryOnce, batch: 2, duration: TimeSpan.FromMilliseconds(100), ["1", "2", "3", "4", "5"]);

        run.RunUntil(() => run.Loop.Committed == 3);

        Assert.Equal(
            [
                "begin produce out:1! produce out:2! offsets in[0]@2",
                "begin produce out:3! produce out:4! offsets in[0]@4",
                "begin produce out:5! offsets in[0]@5",
            ],
            run.Producer.Transactions());
        Assert.Equal(0, run.Loop.Aborted);
    }

    [Fact]
    public void AnOpenTransaction_CommitsOnlyOnceMaxBatchDurationHasPassed_AndPollsNoLongerThanWhatIsLeft()
    {
        using var run = new LoopHarness(RetryOnce, batch: 100, duration: TimeSpan.FromMilliseconds(120), ["1"]);
        var started = run.Time.GetUtcNow();

        run.RunUntil(() => run.Loop.Committed == 1);

        var waited = run.Time.GetUtcNow() - started;
        Assert.InRange(waited, TimeSpan.FromMilliseconds(120), TimeSpan.FromMilliseconds(120) + LoopHarness.PollInterval);
        Assert.Equal(["begin produce out:1! offsets in[0]@1"], run.Producer.Transactions());
    }

    [Fact]
    public void AFailure_AbortsTheTransaction_SeeksEveryPartitionItReadBack_AndRetriesAfterTheBackoffWithThePartitionsPaused()
    {
        using var run = new LoopHarness(RetryOnce, batch: 10, duration: null, ["1", "2"], ["3"]);
        var pausedWhileWaiting = false;
        DateTimeOffset? failedAt = null;
        run.Throws = (value, call) =>
        {
            if (value == "3" && call == 1)
            {
                failedAt = run.Time.GetUtcNow();
                return new InvalidOperationException("boom");
            }

            return null;
        };

        run.RunUntil(() =>
        {
            pausedWhileWaiting |= failedAt is not null && run.Log.Paused.Count == 2;
            return run.Received.Count == 6;
        });
        var retriedAfter = run.Time.GetUtcNow() - failedAt!.Value;
        run.Loop.Finish(TimeSpan.FromSeconds(1));

        Assert.Equal(
            [
                "begin produce out:1! produce out:2! produce out:3!",
                "begin produce out:1! produce out:2! produce out:3! offsets in[0]@2,in[1]@1",
            ],
            run.Producer.Transactions());
        Assert.Equal([new TopicPartitionOffset(FakeLog.Topic, 0, 0), new TopicPartitionOffset(FakeLog.Topic, 1, 0)], run.Log.Seeks.OrderBy(s => s.Partition.Value));
        Assert.True(pausedWhileWaiting, "both partitions should be paused while the retry waits");
        Assert.True(retriedAfter >= TimeSpan.FromMilliseconds(200), $"the retry came {retriedAfter} after the failure, before its 200 ms backoff");
        Assert.Empty(run.Log.Paused);
        Assert.Equal((1, 1), (run.Loop.Committed, run.Loop.Aborted));
    }

    [Fact]
    public void AfterItsRetries_AMessageIsWrittenToTheDeadLetterTopic_InsideTheNextTransaction_AndCommittedPast()
    {
        using var run = new LoopHarness(KafkaErrorPolicy.Retry(1, TimeSpan.FromMilliseconds(10)).ThenDeadLetter(), batch: 10, duration: null, ["1", "2", "3"]);
        run.Throws = (value, _) => value == "2" ? new FormatException("not a number") : null;

        run.RunUntil(() => run.Received.Count(v => v == "3") == 1);
        run.Loop.Finish(TimeSpan.FromSeconds(1));

        Assert.Equal(
            [
                "begin produce out:1! produce out:2!",
                "begin produce out:1! produce out:2!",
                "begin produce out:1! produce in.DLT:2 produce out:3! offsets in[0]@3",
            ],
            run.Producer.Transactions());
        Assert.Equal(2, run.Received.Count(v => v == "2"));
        var letter = Assert.Single(run.Producer.Produced, m => m.Topic == "in.DLT").Message;
        Assert.Equal("2", System.Text.Encoding.UTF8.GetString(letter.Headers.GetLastBytes(DeadLetterHeaders.Attempts)));
        Assert.Equal(typeof(FormatException).FullName, System.Text.Encoding.UTF8.GetString(letter.Headers.GetLastBytes(DeadLetterHeaders.ExceptionType)));
    }

    [Fact]
    public void TheStopPolicy_AbortsAndKeepsEveryPartitionPaused_CommittingNothingMore()
    {
        using var run = new LoopHarness(KafkaErrorPolicy.Stop(), batch: 10, duration: TimeSpan.FromMilliseconds(50), ["1", "2", "3"]);
        run.Throws = (value, _) => value == "2" ? new InvalidOperationException("boom") : null;

        run.RunUntil(() => run.Loop.IsStopped);
        var polls = 0;
        run.RunUntil(() => ++polls == 50); // time passes: nothing more happens

        Assert.Equal(["begin produce out:1! produce out:2!"], run.Producer.Transactions());
        Assert.EndsWith("abort", run.Producer.Calls[^1], StringComparison.Ordinal);
        Assert.Equal([FakeLog.Partition(0)], run.Log.Paused);
        Assert.Equal(["1", "2"], run.Received);
    }

    [Fact]
    public void ARevocation_CommitsTheOpenTransaction_BeforeThePartitionsGo()
    {
        using var run = new LoopHarness(RetryOnce, batch: 10, duration: null, ["1", "2"]);
        run.RunUntil(() => run.Received.Count == 2);

        run.Log.RebalanceOnNextPoll(() => run.Loop.OnRevoked([FakeLog.Partition(0)], lost: false));
        var polls = 0;
        run.RunUntil(() => ++polls == 1);

        Assert.Equal(["begin produce out:1! produce out:2! offsets in[0]@2"], run.Producer.Transactions());
        Assert.EndsWith("commit", run.Producer.Calls[^1], StringComparison.Ordinal);
        Assert.False(run.Loop.InTransaction);
    }

    [Fact]
    public void ALostPartition_AbortsTheOpenTransaction_WithoutSeekingWhatIsNoLongerOwned()
    {
        using var run = new LoopHarness(RetryOnce, batch: 10, duration: null, ["1", "2"]);
        run.RunUntil(() => run.Received.Count == 2);

        run.Log.RebalanceOnNextPoll(() => run.Loop.OnRevoked([FakeLog.Partition(0)], lost: true));
        var polls = 0;
        run.RunUntil(() => ++polls == 1);

        Assert.Equal("begin produce out:1! produce out:2! abort", string.Join(" ", run.Producer.Calls));
        Assert.Empty(run.Log.Seeks);
        Assert.Equal(1, run.Loop.Aborted);
    }

    [Fact]
    public void ACommitThatRequiresAbort_IsAborted_ReadAgain_AndCommittedOnTheNextTry()
    {
        using var run = new LoopHarness(RetryOnce, batch: 1, duration: null, ["1"]);
        run.Producer.Fail("CommitTransaction", new KafkaTxnRequiresAbortException(new Error(ErrorCode.InvalidTxnState, "the coordinator moved")));

        run.RunUntil(() => run.Loop.Committed == 1);

        Assert.Equal(
            "begin produce out:1! offsets in[0]@1 failed CommitTransaction abort begin produce out:1! offsets in[0]@1 commit",
            string.Join(" ", run.Producer.Calls));
        Assert.Equal([new TopicPartitionOffset(FakeLog.Topic, 0, 0)], run.Log.Seeks);
    }

    [Fact]
    public void ARetriableCommitFailure_IsTriedAgain_WithoutAnAbort()
    {
        using var run = new LoopHarness(RetryOnce, batch: 1, duration: null, ["1"]);
        run.Producer.Fail("CommitTransaction", new KafkaRetriableException(new Error(ErrorCode.Local_TimedOut, "timed out")));

        run.RunUntil(() => run.Loop.Committed == 1);

        Assert.Equal("begin produce out:1! offsets in[0]@1 failed CommitTransaction commit", string.Join(" ", run.Producer.Calls));
        Assert.Equal(0, run.Loop.Aborted);
    }

    [Fact]
    public void AFencedProducer_EndsTheLoop_WithItsFatalError_AndWithoutAnotherCall()
    {
        using var run = new LoopHarness(RetryOnce, batch: 1, duration: null, ["1", "2"]);
        run.Producer.Fail("CommitTransaction", new KafkaException(new Error(ErrorCode.Local_Fenced, "fenced by a newer producer", isFatal: true)));

        run.RunUntil(() => false);

        Assert.Equal(ErrorCode.Local_Fenced, run.Loop.FatalError?.Code);
        Assert.True(TransactionCalls.IsFenced(run.Loop.FatalError!));
        Assert.Equal("begin produce out:1! offsets in[0]@1 failed CommitTransaction", string.Join(" ", run.Producer.Calls));
        Assert.Equal(["1"], run.Received);
    }

    [Fact]
    public void AReceiverCancelledAtStop_AbortsItsTransaction_AndItsMessageIsReadAgainLater()
    {
        using var run = new LoopHarness(RetryOnce, batch: 10, duration: null, ["1", "2"]);
        run.Throws = (value, _) =>
        {
            if (value != "2")
            {
                return null;
            }

            run.Abandon();
            return new OperationCanceledException();
        };

        run.RunUntil(() => run.Loop.Aborted == 1);
        run.Loop.Finish(TimeSpan.FromSeconds(1));

        Assert.Equal("begin produce out:1! produce out:2! abort", string.Join(" ", run.Producer.Calls));
        Assert.Equal([new TopicPartitionOffset(FakeLog.Topic, 0, 0)], run.Log.Seeks);
    }

    [Fact]
    public void Finish_CommitsABatchWhoseMessagesAllFinished()
    {
        using var run = new LoopHarness(RetryOnce, batch: 10, duration: null, ["1", "2"]);
        run.RunUntil(() => run.Received.Count == 2);

        run.Loop.Finish(TimeSpan.FromSeconds(1));

        Assert.Equal("begin produce out:1! produce out:2! offsets in[0]@2 commit", string.Join(" ", run.Producer.Calls));
    }
}
