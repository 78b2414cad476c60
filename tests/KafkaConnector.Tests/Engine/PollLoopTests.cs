using Confluent.Kafka;
using KafkaConnector.Engine;

namespace KafkaConnector.Tests.Engine;

public sealed class PollLoopTests
{
    private static readonly TimeSpan PollTimeout = TimeSpan.FromMilliseconds(100);

    [Fact]
    public void Run_TakesWhatIsFetchedWithoutWaiting_UpToTheBatchSize_ThenRunsAfterPoll()
    {
        var (consumer, script) = ScriptedConsumer.Create();
        for (var offset = 0; offset < PollLoop.MaxBatch + 10; offset++)
        {
            script.Then(ScriptedConsumer.Message(0, offset));
        }

        using var handler = new RecordingHandler { StopAfterPolls = 2 };
        PollLoop.Run(consumer, handler, handler.Stopping);

        Assert.Equal([PollLoop.MaxBatch, 10], handler.Batches);
        // The first poll of each iteration may wait; the rest of the batch is what is already fetched.
        Assert.Equal(PollTimeout, script.ConsumeTimeouts[0]);
        Assert.All(script.ConsumeTimeouts.Skip(1).Take(PollLoop.MaxBatch - 1), t => Assert.Equal(TimeSpan.Zero, t));
        Assert.Equal(PollTimeout, script.ConsumeTimeouts[PollLoop.MaxBatch]);
    }

    [Fact]
    public void Run_AHandlerAtItsLimit_EndsTheBatchBeforeTheNextMessage()
    {
        var (consumer, script) = ScriptedConsumer.Create();
        for (var offset = 0; offset < 10; offset++)
        {
            script.Then(ScriptedConsumer.Message(0, offset));
        }

        using var handler = new RecordingHandler { StopAfterPolls = 3, AtLimitAfter = 3 };
        PollLoop.Run(consumer, handler, handler.Stopping);

        Assert.Equal([3, 3, 3], handler.Batches);
    }

    [Fact]
    public void Run_PartitionEndEvents_AreNotMessages_AndDoNotEndTheBatch()
    {
        var (consumer, script) = ScriptedConsumer.Create();
        script.Then(ScriptedConsumer.Message(0, 0)).Then(ScriptedConsumer.EndOfPartition(0, 1)).Then(ScriptedConsumer.Message(1, 7));

        using var handler = new RecordingHandler { StopAfterPolls = 1 };
        PollLoop.Run(consumer, handler, handler.Stopping);

        Assert.Equal([new TopicPartitionOffset("orders", 0, 0), new TopicPartitionOffset("orders", 1, 7)], handler.Messages);
    }

    [Fact]
    public void Run_AConsumeErrorTheHandlerCallsTerminal_EndsTheLoop_AnotherOneDoesNot()
    {
        var (consumer, script) = ScriptedConsumer.Create();
        script.ThenThrow(ErrorCode.Local_Transport).Then(ScriptedConsumer.Message(0, 0)).ThenThrow(ErrorCode.TopicAuthorizationFailed).Then(ScriptedConsumer.Message(0, 1));

        using var handler = new RecordingHandler { StopAfterPolls = 100, Terminal = ErrorCode.TopicAuthorizationFailed };
        PollLoop.Run(consumer, handler, handler.Stopping);

        Assert.Equal([ErrorCode.Local_Transport, ErrorCode.TopicAuthorizationFailed], handler.Errors);
        Assert.Equal([new TopicPartitionOffset("orders", 0, 0)], handler.Messages); // nothing read after the terminal error
        Assert.Equal(1, handler.Polls); // after the transient error; the terminal one, in the message's batch, ends the loop at once
    }

    [Fact]
    public void Run_BeforePollSayingNo_EndsTheLoopWithoutPolling()
    {
        var (consumer, script) = ScriptedConsumer.Create();
        using var handler = new RecordingHandler { Refuse = true };

        PollLoop.Run(consumer, handler, handler.Stopping);

        Assert.Empty(script.ConsumeTimeouts);
    }

    [Fact]
    public void Close_CommitsThenClosesThenDisposes_AndReportsAFailureInsteadOfThrowing()
    {
        var (consumer, script) = ScriptedConsumer.Create();
        script.CloseFails = new KafkaException(ErrorCode.Local_Transport);
        var failures = new List<string>();

        PollLoop.Close(consumer, () => script.Calls.Add("Commit"), failures.Add);

        Assert.Equal(["Commit", "Close", "Dispose"], script.Calls);
        Assert.Single(failures);
    }

    private sealed class RecordingHandler : IPollHandler, IDisposable
    {
        private readonly CancellationTokenSource _stopping = new();
        private int _inBatch;

        public int StopAfterPolls { get; init; } = int.MaxValue;

        public int AtLimitAfter { get; init; } = int.MaxValue;

        public ErrorCode? Terminal { get; init; }

        public bool Refuse { get; init; }

        public CancellationToken Stopping => _stopping.Token;

        public List<int> Batches { get; } = [];

        public List<TopicPartitionOffset> Messages { get; } = [];

        public List<ErrorCode> Errors { get; } = [];

        public int Polls { get; private set; }

        public TimeSpan PollTimeout => PollLoopTests.PollTimeout;

        public void Dispose() => _stopping.Dispose();

        public bool BeforePoll() => !Refuse;

        public bool OnMessage(ConsumeResult<byte[], byte[]> result)
        {
            Messages.Add(result.TopicPartitionOffset);
            return ++_inBatch < AtLimitAfter;
        }

        public bool OnConsumeError(ConsumeException error)
        {
            Errors.Add(error.Error.Code);
            return error.Error.Code == Terminal;
        }

        public void AfterPoll()
        {
            if (_inBatch > 0)
            {
                Batches.Add(_inBatch);
            }

            _inBatch = 0;
            if (++Polls >= StopAfterPolls)
            {
                _stopping.Cancel();
            }
        }
    }
}
