using System.Collections.Concurrent;
using System.Text;
using KafkaConnector.Messages;
using KafkaConnector.Receivers;
using KafkaConnector.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace KafkaConnector.Tests.Receivers;

/// <summary>A receiver's own retry count and exception filter, on a real node, read back from the dead-letter topic.</summary>
public sealed class ErrorPolicyDispatchTests(KafkaFixture fixture)
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(60);
    private readonly KafkaTestCluster _cluster = fixture.Cluster;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheReceiversRetryCount_NotDispatchMaxRetries_IsSpentBeforeTheDeadLetter()
    {
        var topic = await _cluster.CreateNewTopicAsync("retry-count", 1, Ct);
        var receiver = new FailingReceiver();
        await using var node = await NodeHost.StartAsync(_cluster, NodeHost.NewLayer(), "n",
            b => b.AddReceiver<FailingReceiver>(topic, configure: r => r.OnError(KafkaErrorPolicy.Retry(1, TimeSpan.FromMilliseconds(10)).ThenDeadLetter())),
            o => o.Dispatch.MaxRetries = 5,
            s => s.AddSingleton(receiver));

        await node.Api.ProduceAsync(KafkaMessage.FromText(topic, "k", "timeout"), Ct);

        var dead = DeadLetters.ReadFirst(_cluster, topic, WaitLimit);
        Assert.NotNull(dead);
        Assert.Equal("timeout", Encoding.UTF8.GetString(dead.Message.Value));
        Assert.Equal("2", Header(dead.Message.Headers, DeadLetterHeaders.Attempts));
        Assert.Equal(2, receiver.AttemptsOf("timeout"));
    }

    [Fact]
    public async Task AnExceptionTheFilterDoesNotHandle_IsDeadLetteredWithoutRetries_AHandledOneIsRetried()
    {
        var topic = await _cluster.CreateNewTopicAsync("filter", 1, Ct);
        var receiver = new FailingReceiver();
        await using var node = await NodeHost.StartAsync(_cluster, NodeHost.NewLayer(), "n",
            b => b.AddReceiver<FailingReceiver>(topic, configure: r => r.OnError(KafkaErrorPolicy.Retry(5, TimeSpan.FromMilliseconds(10)).Handle<TimeoutException>())),
            services: s => s.AddSingleton(receiver));

        await node.Api.ProduceAsync(KafkaMessage.FromText(topic, "k", "flaky"), Ct);
        await node.Api.ProduceAsync(KafkaMessage.FromText(topic, "k", "poison"), Ct);

        var dead = DeadLetters.ReadFirst(_cluster, topic, WaitLimit);
        Assert.NotNull(dead);
        Assert.Equal("poison", Encoding.UTF8.GetString(dead.Message.Value));
        Assert.Equal(("1", typeof(FormatException).FullName), (Header(dead.Message.Headers, DeadLetterHeaders.Attempts), Header(dead.Message.Headers, DeadLetterHeaders.ExceptionType)));
        Assert.Equal(1, receiver.AttemptsOf("poison"));
        Assert.Equal(2, receiver.AttemptsOf("flaky")); // failed once with a TimeoutException, retried, then succeeded
        Assert.Equal(["flaky"], receiver.Succeeded);
    }

    private static string Header(Confluent.Kafka.Headers headers, string name) => Encoding.UTF8.GetString(headers.GetLastBytes(name));

    /// <summary><c>timeout</c> always times out, <c>flaky</c> times out once, <c>poison</c> cannot be parsed.</summary>
    private sealed class FailingReceiver : IKafkaMessageReceiver
    {
        private readonly ConcurrentQueue<string> _attempts = new();

        public ConcurrentQueue<string> Succeeded { get; } = new();

        public int AttemptsOf(string value) => _attempts.Count(v => v == value);

        public Task ReceiveAsync(KafkaMessage message, CancellationToken cancellationToken)
        {
            var value = message.ValueAsString()!;
            _attempts.Enqueue(value);
            switch (value)
            {
                case "timeout":
                case "flaky" when AttemptsOf("flaky") == 1:
                    throw new TimeoutException("downstream timed out");
                case "poison":
                    throw new FormatException("not a message");
                default:
                    Succeeded.Enqueue(value);
                    return Task.CompletedTask;
            }
        }
    }
}
