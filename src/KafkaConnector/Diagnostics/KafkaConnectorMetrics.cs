using System.Diagnostics.Metrics;

namespace KafkaConnector.Diagnostics;

/// <summary>
/// The connector's one <see cref="Meter"/>, named <see cref="KafkaConnectorInfo.Name"/>. Instrument
/// names follow the OpenTelemetry messaging conventions where they exist; tags stay low in
/// cardinality (topic, outcome, error type). Plug OpenTelemetry or dotnet-counters into the meter.
/// </summary>
internal sealed class KafkaConnectorMetrics
{
    internal const string TopicTag = "messaging.destination.name";
    internal const string SystemTag = "messaging.system";
    internal const string OperationTag = "messaging.operation.name";

    private static readonly KeyValuePair<string, object?> Kafka = new(SystemTag, "kafka");
    internal const string ErrorTypeTag = "error.type";
    internal const string ReceiverTag = "kafkaconnector.receiver";
    internal const string NodeTag = "kafkaconnector.node";
    internal const string ActionTag = "kafkaconnector.action";
    internal const string OutcomeTag = "kafkaconnector.outcome";

    private readonly Counter<long> _sent;
    private readonly Counter<long> _delivered;
    private readonly Counter<long> _deliveryFailed;
    private readonly Counter<long> _consumed;
    private readonly Counter<long> _callbackFailed;
    private readonly Counter<long> _clientErrors;
    private readonly Histogram<double> _produceDuration;
    private readonly Counter<long> _receiverFailed;
    private readonly Counter<long> _retried;
    private readonly Counter<long> _deadLettered;
    private readonly Counter<long> _held;
    private readonly Counter<long> _stopped;
    private Func<int> _heldPartitions = static () => 0;
    private readonly Histogram<double> _processDuration;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Topic, int Partition), long> _lag = new();
    private Func<int> _inFlight = static () => 0;
    private Func<int> _pausedPartitions = static () => 0;
    private readonly Counter<long> _permissionDenied;

    /// <summary>
    /// Bucket boundaries (seconds) for the duration histograms: OpenTelemetry's default buckets
    /// start at 5 (meant for milliseconds), so every Kafka latency would fall in the first one.
    /// From 0.5 ms (a produce on a local broker) to 10 s (a slow receiver).
    /// </summary>
    internal static readonly IReadOnlyList<double> DurationBuckets =
        [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

    private static readonly InstrumentAdvice<double> DurationAdvice = new() { HistogramBucketBoundaries = DurationBuckets };

    public KafkaConnectorMetrics(IMeterFactory meterFactory)
    {
        Meter = meterFactory.Create(new MeterOptions(KafkaConnectorInfo.Name)
        {
            Version = KafkaConnectorInfo.Version,
            Tags = [Kafka],
        });
        _sent = Meter.CreateCounter<long>("messaging.client.sent.messages", "{message}", "Messages handed to a Kafka producer.");
        _delivered = Meter.CreateCounter<long>("kafkaconnector.producer.delivered", "{message}", "Messages the broker acknowledged.");
        _deliveryFailed = Meter.CreateCounter<long>("kafkaconnector.producer.failed", "{message}", "Messages that could not be delivered.");
        _consumed = Meter.CreateCounter<long>("messaging.client.consumed.messages", "{message}", "Messages delivered to application code.");
        _callbackFailed = Meter.CreateCounter<long>("kafkaconnector.callback.failed", "{exception}", "Exceptions thrown by application callbacks and observers.");
        _clientErrors = Meter.CreateCounter<long>("kafkaconnector.client.errors", "{error}", "Errors reported by Kafka clients.");
        _permissionDenied = Meter.CreateCounter<long>("kafkaconnector.permission.denied", "{call}", "Calls refused by the permission check, by action and outcome.");
        _produceDuration = Meter.CreateHistogram("messaging.client.operation.duration", "s", "Time from produce to the broker's acknowledgement (or failure).", tags: null, DurationAdvice);
        _receiverFailed = Meter.CreateCounter<long>("kafkaconnector.dispatch.failed", "{attempt}", "Receiver calls that threw.");
        _retried = Meter.CreateCounter<long>("kafkaconnector.dispatch.retried", "{attempt}", "Receiver calls retried after a failure.");
        _deadLettered = Meter.CreateCounter<long>("kafkaconnector.dispatch.dead_lettered", "{message}", "Messages written to a dead-letter topic.");
        _held = Meter.CreateCounter<long>("kafkaconnector.dispatch.held", "{hold}", "Holds started: a failing message stopped its partition until it succeeded.");
        _stopped = Meter.CreateCounter<long>("kafkaconnector.dispatch.stopped", "{receiver}", "Receivers stopped by their error policy.");
        Meter.CreateObservableGauge("kafkaconnector.dispatch.held_partitions", () => _heldPartitions(), "{partition}", "Partitions held by receivers' error policies (a hold, or a stopped receiver).");
        _processDuration = Meter.CreateHistogram("messaging.process.duration", "s", "Time a receiver took for one message, per attempt.", tags: null, DurationAdvice);
        Meter.CreateObservableGauge("kafkaconnector.dispatch.in_flight", () => _inFlight(), "{message}", "Messages read by the dispatcher and not yet finished.");
        Meter.CreateObservableGauge("kafkaconnector.dispatch.paused_partitions", () => _pausedPartitions(), "{partition}", "Partitions the dispatcher paused for back-pressure.");
        Meter.CreateObservableGauge("messaging.kafka.consumer.lag", ObserveLag, "{message}", "Messages between a consumer's position and the partition's end (from librdkafka statistics).");
    }

    public Meter Meter { get; }

    public void Sent(string topic)
    {
        if (_sent.Enabled)
        {
            _sent.Add(1, Kafka, new KeyValuePair<string, object?>(TopicTag, topic), new KeyValuePair<string, object?>(OperationTag, "send"));
        }
    }

    public void Delivered(string topic)
    {
        if (_delivered.Enabled)
        {
            _delivered.Add(1, new KeyValuePair<string, object?>(TopicTag, topic));
        }
    }

    public void DeliveryFailed(string topic, string errorType) =>
        _deliveryFailed.Add(1, new KeyValuePair<string, object?>(TopicTag, topic), new KeyValuePair<string, object?>(ErrorTypeTag, errorType));

    public void Consumed(string topic)
    {
        if (_consumed.Enabled)
        {
            _consumed.Add(1, Kafka, new KeyValuePair<string, object?>(TopicTag, topic), new KeyValuePair<string, object?>(OperationTag, "receive"));
        }
    }

    public void CallbackFailed(string where) => _callbackFailed.Add(1, new KeyValuePair<string, object?>("kafkaconnector.callback", where));

    public void ClientError(string errorType) => _clientErrors.Add(1, new KeyValuePair<string, object?>(ErrorTypeTag, errorType));

    /// <summary>Counts a refused call; <paramref name="outcome"/> is <c>denied</c>, <c>unauthenticated</c> or <c>error</c>. Never tagged with the caller.</summary>
    public void PermissionDenied(string action, string outcome) =>
        _permissionDenied.Add(1, new KeyValuePair<string, object?>(ActionTag, action), new KeyValuePair<string, object?>(OutcomeTag, outcome));
    /// <summary>Lets the dispatcher report its in-flight messages and paused partitions.</summary>
    public void ObserveDispatcher(Func<int> inFlight, Func<int> pausedPartitions)
    {
        _inFlight = inFlight;
        _pausedPartitions = pausedPartitions;
    }

    /// <summary>Whether anything listens to produce durations (when not, the sender does not read the clock).</summary>
    public bool ProduceDurationEnabled => _produceDuration.Enabled;

    public void ProduceCompleted(string topic, TimeSpan elapsed, string? errorType)
    {
        if (!_produceDuration.Enabled)
        {
            return;
        }

        var topicTag = new KeyValuePair<string, object?>(TopicTag, topic);
        var operation = new KeyValuePair<string, object?>(OperationTag, "send");
        if (errorType is null)
        {
            _produceDuration.Record(elapsed.TotalSeconds, Kafka, topicTag, operation);
        }
        else
        {
            _produceDuration.Record(elapsed.TotalSeconds, Kafka, topicTag, operation, new KeyValuePair<string, object?>(ErrorTypeTag, errorType));
        }
    }

    public void Processed(string topic, string receiver, string node, TimeSpan elapsed, string outcome)
    {
        if (!_processDuration.Enabled)
        {
            return; // no listener: skip building the tags on the hot path
        }

        var tags = Tags(topic, receiver, node, outcome);
        tags.Add(SystemTag, "kafka");
        tags.Add(OperationTag, "process");
        _processDuration.Record(elapsed.TotalSeconds, tags);
    }

    public void ReceiverFailed(string topic, string receiver, string node, string errorType)
    {
        var tags = Tags(topic, receiver, node, "failed");
        tags.Add(ErrorTypeTag, errorType);
        _receiverFailed.Add(1, tags);
    }

    public void Retried(string topic, string receiver, string node) => _retried.Add(1, Tags(topic, receiver, node, "retry"));

    public void DeadLettered(string topic, string receiver, string node) => _deadLettered.Add(1, Tags(topic, receiver, node, "dead_lettered"));

    public void Held(string topic, string receiver, string node) => _held.Add(1, Tags(topic, receiver, node, "held"));

    public void ReceiverStopped(string topic, string receiver, string node) => _stopped.Add(1, Tags(topic, receiver, node, "stopped"));

    /// <summary>Lets the dispatcher report the partitions its receivers hold.</summary>
    public void ObserveHolds(Func<int> heldPartitions) => _heldPartitions = heldPartitions;

    /// <summary>Records lag figures from a librdkafka statistics JSON document.</summary>
    public void RecordStatistics(string json)
    {
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(json);
            if (!document.RootElement.TryGetProperty("topics", out var topics))
            {
                return;
            }

            foreach (var topic in topics.EnumerateObject())
            {
                foreach (var partition in topic.Value.GetProperty("partitions").EnumerateObject())
                {
                    var id = partition.Value.GetProperty("partition").GetInt32();
                    var lag = partition.Value.TryGetProperty("consumer_lag", out var value) ? value.GetInt64() : -1;
                    if (id >= 0 && lag >= 0)
                    {
                        _lag[(topic.Name, id)] = lag;
                    }
                    else
                    {
                        _lag.TryRemove((topic.Name, id), out _);
                    }
                }
            }
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException)
        {
            ClientError("statistics");
        }
    }

    private IEnumerable<Measurement<long>> ObserveLag() => _lag.Select(p => new Measurement<long>(
        p.Value,
        Kafka,
        new KeyValuePair<string, object?>(TopicTag, p.Key.Topic),
        new KeyValuePair<string, object?>("messaging.destination.partition.id", p.Key.Partition)));

    private static System.Diagnostics.TagList Tags(string topic, string receiver, string node, string outcome) => new()
    {
        { TopicTag, topic },
        { ReceiverTag, receiver },
        { NodeTag, node },
        { OutcomeTag, outcome },
    };
}
