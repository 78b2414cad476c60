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
    internal const string ErrorTypeTag = "error.type";
    internal const string ActionTag = "kafkaconnector.action";
    internal const string OutcomeTag = "kafkaconnector.outcome";

    private readonly Counter<long> _sent;
    private readonly Counter<long> _delivered;
    private readonly Counter<long> _deliveryFailed;
    private readonly Counter<long> _consumed;
    private readonly Counter<long> _callbackFailed;
    private readonly Counter<long> _clientErrors;
    private readonly Counter<long> _permissionDenied;

    public KafkaConnectorMetrics(IMeterFactory meterFactory)
    {
        Meter = meterFactory.Create(KafkaConnectorInfo.Name);
        _sent = Meter.CreateCounter<long>("messaging.client.sent.messages", "{message}", "Messages handed to a Kafka producer.");
        _delivered = Meter.CreateCounter<long>("kafkaconnector.producer.delivered", "{message}", "Messages the broker acknowledged.");
        _deliveryFailed = Meter.CreateCounter<long>("kafkaconnector.producer.failed", "{message}", "Messages that could not be delivered.");
        _consumed = Meter.CreateCounter<long>("messaging.client.consumed.messages", "{message}", "Messages delivered to application code.");
        _callbackFailed = Meter.CreateCounter<long>("kafkaconnector.callback.failed", "{exception}", "Exceptions thrown by application callbacks and observers.");
        _clientErrors = Meter.CreateCounter<long>("kafkaconnector.client.errors", "{error}", "Errors reported by Kafka clients.");
        _permissionDenied = Meter.CreateCounter<long>("kafkaconnector.permission.denied", "{call}", "Calls refused by the permission check, by action and outcome.");
    }

    public Meter Meter { get; }

    public void Sent(string topic) => _sent.Add(1, new KeyValuePair<string, object?>(TopicTag, topic));

    public void Delivered(string topic) => _delivered.Add(1, new KeyValuePair<string, object?>(TopicTag, topic));

    public void DeliveryFailed(string topic, string errorType) =>
        _deliveryFailed.Add(1, new KeyValuePair<string, object?>(TopicTag, topic), new KeyValuePair<string, object?>(ErrorTypeTag, errorType));

    public void Consumed(string topic) => _consumed.Add(1, new KeyValuePair<string, object?>(TopicTag, topic));

    public void CallbackFailed(string where) => _callbackFailed.Add(1, new KeyValuePair<string, object?>("kafkaconnector.callback", where));

    public void ClientError(string errorType) => _clientErrors.Add(1, new KeyValuePair<string, object?>(ErrorTypeTag, errorType));

    /// <summary>Counts a refused call; <paramref name="outcome"/> is <c>denied</c>, <c>unauthenticated</c> or <c>error</c>. Never tagged with the caller.</summary>
    public void PermissionDenied(string action, string outcome) =>
        _permissionDenied.Add(1, new KeyValuePair<string, object?>(ActionTag, action), new KeyValuePair<string, object?>(OutcomeTag, outcome));
}
