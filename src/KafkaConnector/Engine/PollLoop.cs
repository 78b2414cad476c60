using Confluent.Kafka;

namespace KafkaConnector.Engine;

/// <summary>What a consumer of the engine does with what its poll loop reads (see <see cref="PollLoop"/>).</summary>
internal interface IPollHandler
{
    /// <summary>How long the next poll may wait: short while partitions are paused, so they resume as soon as their work drains.</summary>
    TimeSpan PollTimeout { get; }

    /// <summary>Runs before every poll; false ends the loop (a fatal error seen by the client's error handler, say).</summary>
    bool BeforePoll();

    /// <summary>A message (never a partition-EOF event).</summary>
    void OnMessage(ConsumeResult<byte[], byte[]> result);

    /// <summary>A consume error; returns true when it ends the loop (fatal, or terminal for this consumer).</summary>
    bool OnConsumeError(ConsumeException error);

    /// <summary>Runs after every poll, a message or not: flow control, periodic commits.</summary>
    void AfterPoll();
}

/// <summary>
/// The one poll loop of the engine, run by the node's dispatcher and by every reactive stream
/// consumer on a thread of its own, and the bounded close that ends it.
/// </summary>
internal static class PollLoop
{
    /// <summary>Polls until <paramref name="stopping"/> fires or the handler ends the loop.</summary>
    public static void Run(IConsumer<byte[], byte[]> consumer, IPollHandler handler, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested && handler.BeforePoll())
        {
            try
            {
                if (consumer.Consume(handler.PollTimeout) is { IsPartitionEOF: false } result)
                {
                    handler.OnMessage(result);
                }
            }
            catch (ConsumeException e)
            {
                if (handler.OnConsumeError(e))
                {
                    return;
                }
            }

            handler.AfterPoll();
        }
    }

    /// <summary>
    /// Commits what is finished, leaves the group and releases the consumer. A failure is reported,
    /// never thrown: the caller is a poll thread on its way out.
    /// </summary>
    public static void Close(IConsumer<byte[], byte[]> consumer, Action commit, Action<string> failed)
    {
        try
        {
            commit();
            consumer.Close();
        }
        catch (Exception e) when (e is KafkaException or ObjectDisposedException)
        {
            failed(e.Message);
        }
        finally
        {
            consumer.Dispose();
        }
    }
}
