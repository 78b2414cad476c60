using System.Diagnostics.Metrics;
using KafkaConnector.AspNetCore.Internal;

namespace KafkaConnector.AspNetCore.Dashboard.Internal;

/// <summary>Per-topic and per-receiver totals of this host's <c>KafkaConnector</c> meter, kept by one listener.</summary>
internal sealed class NodeMetrics : IDisposable
{
    private const string Topic = "messaging.destination.name";
    private const string Receiver = "kafkaconnector.receiver";
    private readonly MeterListener _listener;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, TopicCounts> _topics = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ReceiverCounts> _receivers = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Topic, int Partition), long> _lag = [];
    private long _inFlight;
    private long _paused;

    public NodeMetrics(IMeterFactory meters)
    {
        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (ConnectorMeter.IsOurs(instrument, meters))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _listener.SetMeasurementEventCallback<long>((i, v, t, _) => OnMeasurement(i.Name, v, t));
        _listener.SetMeasurementEventCallback<int>((i, v, t, _) => OnMeasurement(i.Name, v, t));
        _listener.SetMeasurementEventCallback<double>((i, _, t, _) => OnMeasurement(i.Name, 1, t));
        _listener.Start();
    }

    /// <summary>Called with the original topic of each message written to a dead-letter topic.</summary>
    public event Action<string>? DeadLettered;

    public DashboardCounters Read()
    {
        _listener.RecordObservableInstruments();
        lock (_lock)
        {
            return new DashboardCounters(
                [.. _topics.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => new DashboardTopic(t.Key, t.Value.Sent, t.Value.Consumed, t.Value.Failed))],
                [.. _receivers.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => new DashboardReceiver(r.Key, r.Value.Processed, r.Value.Failed, r.Value.Retried, r.Value.DeadLettered))],
                [.. _lag.OrderBy(l => l.Key.Topic, StringComparer.Ordinal).ThenBy(l => l.Key.Partition).Select(l => new DashboardLag(l.Key.Topic, l.Key.Partition, l.Value))],
                _inFlight,
                _paused);
        }
    }

    public void Dispose() => _listener.Dispose();

    private void OnMeasurement(string instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var topic = ConnectorMeter.Tag(tags, Topic);
        string? deadLettered = null;
        lock (_lock)
        {
            switch (instrument)
            {
                case "messaging.client.sent.messages" when topic is not null:
                    TopicOf(topic).Sent += value;
                    break;
                case "messaging.client.consumed.messages" when topic is not null:
                    TopicOf(topic).Consumed += value;
                    break;
                case "kafkaconnector.producer.failed" when topic is not null:
                    TopicOf(topic).Failed += value;
                    break;
                case "messaging.process.duration" when ConnectorMeter.Tag(tags, "kafkaconnector.outcome") == "success":
                    ReceiverOf(tags).Processed += value;
                    break;
                case "kafkaconnector.dispatch.failed":
                    ReceiverOf(tags).Failed += value;
                    break;
                case "kafkaconnector.dispatch.retried":
                    ReceiverOf(tags).Retried += value;
                    break;
                case "kafkaconnector.dispatch.dead_lettered":
                    ReceiverOf(tags).DeadLettered += value;
                    deadLettered = topic;
                    break;
                case ConnectorMeter.InFlight:
                    _inFlight = value;
                    break;
                case ConnectorMeter.PausedPartitions:
                    _paused = value;
                    break;
                case ConnectorMeter.Lag when topic is not null:
                    _ = int.TryParse(ConnectorMeter.Tag(tags, "messaging.destination.partition.id"), out var partition);
                    _lag[(topic, partition)] = value;
                    break;
            }
        }

        if (deadLettered is not null)
        {
            DeadLettered?.Invoke(deadLettered);
        }
    }

    private TopicCounts TopicOf(string topic) => _topics.TryGetValue(topic, out var c) ? c : _topics[topic] = new TopicCounts();

    private ReceiverCounts ReceiverOf(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var name = ConnectorMeter.Tag(tags, Receiver) ?? "?";
        return _receivers.TryGetValue(name, out var c) ? c : _receivers[name] = new ReceiverCounts();
    }

    private sealed class TopicCounts
    {
        public long Sent;
        public long Consumed;
        public long Failed;
    }

    private sealed class ReceiverCounts
    {
        public long Processed;
        public long Failed;
        public long Retried;
        public long DeadLettered;
    }
}
