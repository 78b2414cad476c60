using System.Collections.Concurrent;
using KafkaConnector.Cluster;
using KafkaConnector.Messages;
using KafkaConnector.Receivers;

namespace ClusterDemo;

/// <summary>Prints every message in the exact line format of listen mode and keeps it for the walkthrough.</summary>
internal sealed class PrintingReceiver(IKafkaCluster cluster, DemoOutput output) : IKafkaMessageReceiver
{
    public ConcurrentQueue<KafkaMessage> Received { get; } = new();

    public Task ReceiveAsync(KafkaMessage message, CancellationToken cancellationToken)
    {
        Received.Enqueue(message);
        output.Line(cluster.Topics.NodeId, $"received topic={message.Topic} key={message.KeyAsString() ?? "null"} value={message.ValueAsString()}");
        return Task.CompletedTask;
    }
}

/// <summary>Fails on a "boom" order: retried, then dead-lettered.</summary>
internal sealed class OrderReceiver(IKafkaCluster cluster, DemoOutput output) : IKafkaMessageReceiver
{
    public Task ReceiveAsync(KafkaMessage message, CancellationToken cancellationToken)
    {
        if (message.ValueAsString() == "boom")
        {
            output.Line(cluster.Topics.NodeId, $"order receiver throws on {message.Topic}@{message.Offset} value=boom");
            throw new InvalidOperationException("cannot process order 'boom'");
        }

        output.Line(cluster.Topics.NodeId, $"order processed value={message.ValueAsString()}");
        return Task.CompletedTask;
    }
}

/// <summary>Answers "whoami" requests.</summary>
internal sealed class WhoAmIHandler(IKafkaCluster cluster) : IKafkaRequestHandler
{
    public Task<byte[]?> HandleAsync(KafkaMessage request, CancellationToken cancellationToken) =>
        Task.FromResult<byte[]?>(System.Text.Encoding.UTF8.GetBytes($"I am node {cluster.Topics.NodeId}, you asked: {request.ValueAsString()}"));
}

/// <summary>Serialises console output; in walkthrough mode lines carry the node id.</summary>
internal sealed class DemoOutput(bool prefix)
{
    private readonly Lock _lock = new();

    public void Line(string node, string text)
    {
        lock (_lock)
        {
            Console.WriteLine(prefix ? $"  [{node}] {text}" : text);
        }
    }

    public void Step(string text)
    {
        lock (_lock)
        {
            Console.WriteLine();
            Console.WriteLine($"== {text}");
        }
    }
}
