using System.Text;
using KafkaConnector.Messages;
using KafkaConnector.Receivers;
using KafkaConnector.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace KafkaConnector.Tests.Receivers;

/// <summary>Receivers that cannot work fail where it shows: at start, or with a message that says what they did.</summary>
public sealed class ReceiverFaultTests(KafkaFixture fixture)
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(60);
    private readonly KafkaTestCluster _cluster = fixture.Cluster;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ASingletonReceiverWhoseConstructorThrows_FailsTheStart_NamingIt()
    {
        var topic = _cluster.NewTopicName("unbuildable");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            NodeHost.StartAsync(_cluster, NodeHost.NewLayer(), "n", b => b.AddReceiver<UnbuildableReceiver>(topic)));

        Assert.Contains($"Receiver {nameof(UnbuildableReceiver)} (topics '{topic}') could not be created: InvalidOperationException: no database", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AReceiverReturningANullTask_IsDeadLettered_WithAMessageThatSaysSo()
    {
        var topic = await _cluster.CreateNewTopicAsync("null-task", 1, Ct);
        await using var node = await NodeHost.StartAsync(_cluster, NodeHost.NewLayer(), "n", b => b.AddReceiver<NullTaskReceiver>(topic), o => o.Dispatch.MaxRetries = 0);

        await node.Api.ProduceAsync(KafkaMessage.FromText(topic, "k", "v"), Ct);

        var dead = DeadLetters.ReadFirst(_cluster, topic, WaitLimit);

        Assert.NotNull(dead);
        var reason = Encoding.UTF8.GetString(dead.Message.Headers.GetLastBytes(DeadLetterHeaders.ExceptionMessage));
        Assert.Equal($"Receiver {nameof(NullTaskReceiver)} returned null from ReceiveAsync instead of a Task (return Task.CompletedTask when there is nothing to await).", reason);
    }

    private sealed class UnbuildableReceiver : IKafkaMessageReceiver
    {
        public UnbuildableReceiver() => throw new InvalidOperationException("no database");

        public Task ReceiveAsync(KafkaMessage message, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class NullTaskReceiver : IKafkaMessageReceiver
    {
        public Task ReceiveAsync(KafkaMessage message, CancellationToken cancellationToken) => null!;
    }
}
