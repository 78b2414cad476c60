using System.Collections.Concurrent;
using Confluent.Kafka;
using KafkaConnector.AspNetCore.WebSockets;
using KafkaConnector.AspNetCore.WebSockets.Internal;
using KafkaConnector.Messages;

namespace KafkaConnector.AspNetCore.Tests.WebSockets;

/// <summary>What the test sessions of one host saw.</summary>
internal sealed class SessionProbe
{
    public ConcurrentQueue<Exception> Errors { get; } = new();

    public ConcurrentQueue<SendQueue> Queues { get; } = new();

    public int Formatted;

    public int Assigned;
}

/// <summary>
/// Reads the topic named by the <c>topic</c> query value, says <c>{"ready":true}</c> once its
/// partitions are assigned, produces every client text message to the <c>out</c> topic, and throws
/// on a record whose value is <c>crash</c>.
/// </summary>
internal sealed class TopicSession(SessionProbe probe) : KafkaWebSocketSession
{
    protected internal override Task InitializeAsync(CancellationToken cancellationToken)
    {
        SetTopics(HttpContext.Request.Query["topic"].ToString());
        probe.Queues.Enqueue(Queue!);
        return Task.CompletedTask;
    }

    protected internal override void OnPartitionsAssigned(IReadOnlyList<TopicPartition> partitions)
    {
        Interlocked.Increment(ref probe.Assigned);
        _ = SendAsync(KafkaWebSocketFrame.FromText("""{"ready":true}""")).AsTask();
    }

    protected internal override KafkaWebSocketFrame? Format(KafkaMessage message)
    {
        Interlocked.Increment(ref probe.Formatted);
        return message.ValueAsString() == "crash" ? throw new InvalidOperationException("the session cannot format this record") : base.Format(message);
    }

    protected internal override async Task OnMessageAsync(KafkaWebSocketFrame frame, CancellationToken cancellationToken)
    {
        var target = HttpContext.Request.Query["out"].ToString();
        await ProduceAsync(KafkaMessage.FromText(target, User.Identity!.Name, frame.AsText()), cancellationToken);
    }

    protected internal override Task OnErrorAsync(Exception exception, CancellationToken cancellationToken)
    {
        probe.Errors.Enqueue(exception);
        return Task.CompletedTask;
    }
}
