using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using KafkaConnector.Messages;
using KafkaConnector.Receivers;
using KafkaConnector.Testing;
using KafkaConnector.Tests.Diagnostics;
using KafkaConnector.Tests.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KafkaConnector.Tests.Receivers;

/// <summary>
/// A message whose work fails outside any receiver (event 1219) can never finish: its partition is read
/// again from the watermark with a fresh tracker (event 1220), so it is delivered again and the partition
/// commits again.
/// </summary>
public sealed class DispatchFailureRewindTests(KafkaFixture fixture)
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(30);
    private readonly KafkaTestCluster _cluster = fixture.Cluster;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ADeadLetterWriteThatCannotBeMade_IsLoggedAndCounted_TheMessageComesAgain_AndThePartitionKeepsCommitting()
    {
        // A legal topic name with no room left for ".DLT": the dead-letter write is refused before it
        // reaches Kafka (ArgumentException, not a produce failure, so it is not retried like one) and the
        // failure leaves the receiver pipeline.
        var topic = _cluster.NewTopicName("rewind").PadRight(249 - ".DLT".Length + 1, 'x');
        await _cluster.CreateTopicAsync(topic, 1, cancellationToken: Ct);
        var receiver = new FailsTheFirstTimeReceiver("poison");
        var log = new CapturedLog();
        var layer = NodeHost.NewLayer();
        await using var node = await NodeHost.StartAsync(_cluster, layer, "n",
            b => b.AddReceiver<FailsTheFirstTimeReceiver>(topic),
            o => o.Dispatch.MaxRetries = 0,
            s => s.AddSingleton(receiver).AddSingleton<ILoggerProvider>(log));
        using var metrics = new MetricRecorder(node.Host.Services.GetRequiredService<IMeterFactory>());

        // Offsets 0-3; the other keys run beside the failing one and finish behind it.
        string[] values = ["a-1", "poison", "b-1", "a-2"];
        foreach (var value in values)
        {
            await node.Api.ProduceAsync(KafkaMessage.FromText(topic, value[..1], value), Ct);
        }

        await Eventually.UntilAsync(() => values.All(receiver.Succeeded.ContainsKey), WaitLimit,
            () => $"every message to succeed, the failed one on its second delivery; succeeded [{string.Join(',', receiver.Succeeded.Keys)}], calls {receiver.Calls}", Ct);
        Assert.Equal(2, receiver.CallsFor("poison")); // failed, then delivered again and succeeded

        var failed = Assert.Single(log.Entries, e => e.Id.Id == 1219);
        Assert.Contains($"{topic}[0]@1 failed outside any receiver", failed.Message, StringComparison.Ordinal);
        var rewound = Assert.Single(log.Entries, e => e.Id.Id == 1220);
        Assert.Contains($"{topic}[0] again from offset 1", rewound.Message, StringComparison.Ordinal);
        Assert.Equal(1, metrics.Tags("kafkaconnector.callback.failed").Count(t => Equals(t.GetValueOrDefault("kafkaconnector.callback"), "dispatch")));

        // The partition commits past the failure, and keeps committing what comes after.
        await Eventually.UntilAsync(() => SessionOutage.Committed(_cluster, layer, "n", topic) == 4, WaitLimit, () => $"offset 4 committed; committed {SessionOutage.Committed(_cluster, layer, "n", topic)}", Ct);
        await node.Api.ProduceAsync(KafkaMessage.FromText(topic, "c", "c-1"), Ct);
        await Eventually.UntilAsync(() => SessionOutage.Committed(_cluster, layer, "n", topic) == 5, WaitLimit, () => $"offset 5 committed; committed {SessionOutage.Committed(_cluster, layer, "n", topic)}", Ct);
        Assert.True(receiver.Succeeded.ContainsKey("c-1"));
    }

    /// <summary>Throws on its first call for one value; records every value it finished.</summary>
    private sealed class FailsTheFirstTimeReceiver(string failing) : IKafkaMessageReceiver
    {
        private readonly ConcurrentDictionary<string, int> _calls = new(StringComparer.Ordinal);

        public ConcurrentDictionary<string, int> Succeeded { get; } = new(StringComparer.Ordinal);

        public string Calls => string.Join(',', _calls.Select(c => $"{c.Key}={c.Value}"));

        public int CallsFor(string value) => _calls.GetValueOrDefault(value);

        public Task ReceiveAsync(KafkaMessage message, CancellationToken cancellationToken)
        {
            var value = message.ValueAsString()!;
            if (_calls.AddOrUpdate(value, 1, (_, n) => n + 1) == 1 && value == failing)
            {
                throw new InvalidOperationException("the first delivery of " + value + " fails");
            }

            Succeeded.AddOrUpdate(value, 1, (_, n) => n + 1);
            return Task.CompletedTask;
        }
    }
}
