using System.Net.WebSockets;
using System.Text;
using Confluent.Kafka;
using KafkaConnector.AspNetCore.WebSockets;
using KafkaConnector.Security;
using KafkaConnector.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace KafkaConnector.AspNetCore.Tests.WebSockets;

public sealed class StandardModeTests(KafkaFixture fixture)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private readonly KafkaTestCluster _cluster = fixture.Cluster;

    private Task<WebNode> StartAsync(SessionProbe probe, Action<KafkaWebSocketOptions>? options = null, LogCapture? logs = null) =>
        WebNode.StartAsync(
            _cluster,
            app => app.MapKafkaWebSocket<TopicSession>("/ws/topic", options),
            build: b => b.Services.AddSingleton(probe),
            permissions: o => o.Rules.Add(new KafkaPermissionRule { Roles = { "reader" }, Actions = { "Consume" }, Resources = { "*" } }),
            logs: logs);

    [Fact]
    public async Task Records_produced_with_kcat_reach_every_session_as_they_arrive()
    {
        var ct = TestContext.Current.CancellationToken;
        var topic = await _cluster.CreateNewTopicAsync("ws-kcat", cancellationToken: ct);
        await using var node = await StartAsync(new SessionProbe());
        using var first = await Sockets.ConnectAsync(node.WebSocketUri($"/ws/topic?topic={topic}", "alice", "reader"), ct);
        using var second = await Sockets.ConnectAsync(node.WebSocketUri($"/ws/topic?topic={topic}", "bob", "reader"), ct);
        await first.ReceiveJsonUntilAsync(m => m.TryGetProperty("ready", out _), Wait, ct);
        await second.ReceiveJsonUntilAsync(m => m.TryGetProperty("ready", out _), Wait, ct);

        // The sessions start at the end: a record written right at the assignment may precede it, so write until one arrives.
        using var writer = new CancellationTokenSource();
        var writing = Task.Run(async () =>
        {
            while (!writer.IsCancellationRequested)
            {
                await Kcat.ProduceAsync(_cluster.BootstrapServers, topic, "device-42:{\"temp\":21.5}\n", ct);
                await Task.Delay(500, writer.Token).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }, ct);
        try
        {
            foreach (var socket in new[] { first, second })
            {
                var record = await socket.ReceiveJsonUntilAsync(m => m.TryGetProperty("topic", out _), Wait, ct);
                Assert.Equal(topic, record.GetProperty("topic").GetString());
                Assert.Equal("device-42", Encoding.UTF8.GetString(record.GetProperty("key").GetBytesFromBase64()));
                Assert.Equal("{\"temp\":21.5}", Encoding.UTF8.GetString(record.GetProperty("value").GetBytesFromBase64()));
                Assert.Equal(0, record.GetProperty("partition").GetInt32());
            }
        }
        finally
        {
            await writer.CancelAsync();
            await writing;
        }
    }

    [Fact]
    public async Task Closing_the_socket_stops_the_sessions_consumer()
    {
        var ct = TestContext.Current.CancellationToken;
        var topic = await _cluster.CreateNewTopicAsync("ws-close", cancellationToken: ct);
        var logs = new LogCapture();
        await using var node = await StartAsync(new SessionProbe(), logs: logs);
        using var socket = await Sockets.ConnectAsync(node.WebSocketUri($"/ws/topic?topic={topic}", "hank", "reader"), ct);
        await socket.ReceiveJsonUntilAsync(m => m.TryGetProperty("ready", out _), Wait, ct);
        bool Stopped() => logs.Lines.Any(l => l.Category == "KafkaConnector.Consumer" && l.EventId == 1101 && l.Message.Contains(topic, StringComparison.Ordinal));
        Assert.False(Stopped(), "the session's stream stopped while its socket was open");

        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", ct);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, socket.CloseStatus);
        await Eventually.UntilAsync(Stopped, Wait, () => $"no 'Reactive stream on topics {topic} stopped' (event 1101) after the socket closed", ct);
    }

    [Fact]
    public async Task An_anonymous_upgrade_is_refused_with_401_and_a_user_who_may_not_consume_with_403()
    {
        var ct = TestContext.Current.CancellationToken;
        var topic = await _cluster.CreateNewTopicAsync("ws-denied", cancellationToken: ct);
        var probe = new SessionProbe();
        await using var node = await StartAsync(probe);

        Assert.Equal(401, await Sockets.RefusedStatusAsync(node.WebSocketUri($"/ws/topic?topic={topic}", null), ct));
        Assert.Equal(403, await Sockets.RefusedStatusAsync(node.WebSocketUri($"/ws/topic?topic={topic}", "mallory", "guest"), ct));
        var denied = Assert.IsType<KafkaPermissionDeniedException>(Assert.Single(probe.Errors));
        Assert.Equal(KafkaConnectorAction.Consume, denied.Action);
        Assert.Equal(topic, denied.Resource);
    }

    [Fact]
    public async Task A_client_message_is_produced_when_allowed_and_closes_the_socket_with_1008_when_not()
    {
        var ct = TestContext.Current.CancellationToken;
        var input = await _cluster.CreateNewTopicAsync("ws-in", cancellationToken: ct);
        var output = await _cluster.CreateNewTopicAsync("ws-out", cancellationToken: ct);
        var probe = new SessionProbe();
        await using var node = await StartAsync(probe);

        using (var writer = await Sockets.ConnectAsync(node.WebSocketUri($"/ws/topic?topic={input}&out={output}", "carol", "kafka"), ct))
        {
            await writer.SendTextAsync("hello from the browser", ct);
            using var consumer = new ConsumerBuilder<string, string>(_cluster.CreateConsumerConfig(_cluster.NewGroupId("ws-out"))).Build();
            consumer.Subscribe(output);
            var record = consumer.Consume(Wait);
            Assert.True(record is not null, $"nothing produced to {output} within {Wait}");
            Assert.Equal("carol", record.Message.Key);
            Assert.Equal("hello from the browser", record.Message.Value);
            consumer.Close();
        }

        using var reader = await Sockets.ConnectAsync(node.WebSocketUri($"/ws/topic?topic={input}&out={output}", "dave", "reader"), ct);
        await reader.SendTextAsync("not allowed", ct);
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, await reader.ReceiveCloseAsync(Wait, ct));
        Assert.Equal($"Permission denied: Produce on '{output}'.", reader.CloseStatusDescription);
        await Eventually.UntilAsync(() => probe.Errors.Any(e => e is KafkaPermissionDeniedException { Action: KafkaConnectorAction.Produce }), Wait,
            () => $"OnErrorAsync got {string.Join(", ", probe.Errors.Select(e => e.GetType().Name))}", ct);
    }

    [Fact]
    public async Task A_client_that_never_reads_keeps_the_queue_bounded_and_is_closed_as_too_slow()
    {
        var ct = TestContext.Current.CancellationToken;
        var topic = await _cluster.CreateNewTopicAsync("ws-slow", partitions: 8, cancellationToken: ct);
        var probe = new SessionProbe();
        await using var node = await StartAsync(probe, o =>
        {
            o.SendQueueCapacity = 4;
            o.SlowClientTimeout = TimeSpan.FromSeconds(1);
        });
        using var lazy = await Sockets.ConnectAsync(node.WebSocketUri($"/ws/topic?topic={topic}", "erin", "reader"), ct, receiveBuffer: 2048);
        var queue = await WaitForQueueAsync(probe, ct);
        await Eventually.UntilAsync(() => Volatile.Read(ref probe.Assigned) > 0, Wait, () => "the session's consumer got no partition", ct);

        // Write until the policy fires (the session starts at the end, so the first records may precede its start).
        const int Limit = 20_000;
        var value = new byte[4 * 1024]; // small: the embedded broker keeps a few MB per partition
        var written = 0;
        using (var producer = new ProducerBuilder<Null, byte[]>(_cluster.CreateProducerConfig()).Build())
        {
            while (written < Limit && !probe.Errors.Any(e => e is KafkaWebSocketSlowClientException))
            {
                for (var i = 0; i < 200; i++, written++)
                {
                    producer.Produce(topic, new Message<Null, byte[]> { Value = value });
                }

                producer.Flush(ct);
                await Task.Delay(100, ct); // pacing only; the loop ends on the condition above
            }
        }

        await Eventually.UntilAsync(() => probe.Errors.Any(e => e is KafkaWebSocketSlowClientException), Wait,
            () => $"no slow-client error; formatted {probe.Formatted}, queued {queue.Count}, errors {string.Join(", ", probe.Errors.Select(e => e.GetType().Name))}", ct);
        Assert.True(queue.HighWater <= 4, $"the send queue held {queue.HighWater} frames, above its capacity of 4");
        Assert.True(probe.Formatted < written, $"all {written} records were pulled from Kafka although the client read none");

        // The connection ends: a close frame with 1008 where it gets through, else an aborted connection.
        var status = await Record.ExceptionAsync(async () => Assert.Equal(WebSocketCloseStatus.PolicyViolation, await lazy.ReceiveCloseAsync(Wait, ct)));
        Assert.True(status is null or WebSocketException, $"the socket did not end as expected: {status}");
        Assert.NotEqual(WebSocketState.Open, lazy.State);
    }

    [Fact]
    public async Task An_exception_in_the_sessions_code_reaches_OnErrorAsync_and_closes_with_1011()
    {
        var ct = TestContext.Current.CancellationToken;
        var topic = await _cluster.CreateNewTopicAsync("ws-crash", cancellationToken: ct);
        var probe = new SessionProbe();
        await using var node = await StartAsync(probe);
        using var socket = await Sockets.ConnectAsync(node.WebSocketUri($"/ws/topic?topic={topic}", "frank", "reader"), ct);
        await socket.ReceiveJsonUntilAsync(m => m.TryGetProperty("ready", out _), Wait, ct);

        // The session's Format throws on "crash" (written until one arrives: the session starts at the end).
        using var producer = new ProducerBuilder<Null, string>(_cluster.CreateProducerConfig()).Build();
        await Eventually.UntilAsync(() =>
        {
            producer.Produce(topic, new Message<Null, string> { Value = "crash" });
            return !probe.Errors.IsEmpty;
        }, Wait, () => "the session never failed", ct);

        Assert.IsType<InvalidOperationException>(Assert.Single(probe.Errors));
        Assert.Equal(WebSocketCloseStatus.InternalServerError, await socket.ReceiveCloseAsync(Wait, ct));
        Assert.Equal("internal error", socket.CloseStatusDescription);

        // The server goes on: a new session works.
        using var next = await Sockets.ConnectAsync(node.WebSocketUri($"/ws/topic?topic={topic}", "frank", "reader"), ct);
        await next.ReceiveJsonUntilAsync(m => m.TryGetProperty("ready", out _), Wait, ct);
    }

    [Fact]
    public async Task Stopping_the_host_closes_open_sessions_with_1001()
    {
        var ct = TestContext.Current.CancellationToken;
        var topic = await _cluster.CreateNewTopicAsync("ws-stop", cancellationToken: ct);
        await using var node = await StartAsync(new SessionProbe());
        using var socket = await Sockets.ConnectAsync(node.WebSocketUri($"/ws/topic?topic={topic}", "gina", "reader"), ct);
        await socket.ReceiveJsonUntilAsync(m => m.TryGetProperty("ready", out _), Wait, ct);

        var stopping = node.StopAsync();
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, await socket.ReceiveCloseAsync(Wait, ct));
        await stopping.WaitAsync(Wait, ct);
    }

    private static async Task<KafkaConnector.AspNetCore.WebSockets.Internal.SendQueue> WaitForQueueAsync(SessionProbe probe, CancellationToken ct)
    {
        await Eventually.UntilAsync(() => !probe.Queues.IsEmpty, Wait, () => "no session started", ct);
        probe.Queues.TryPeek(out var queue);
        return queue!;
    }
}
