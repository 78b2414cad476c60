using System.Diagnostics;
using System.Text;
using Confluent.Kafka;

namespace KafkaConnector.Diagnostics;

/// <summary>
/// The connector's one <see cref="ActivitySource"/>, named <see cref="KafkaConnectorInfo.Name"/>.
/// A produce starts a Producer span and writes W3C <c>traceparent</c>/<c>tracestate</c> and
/// <c>baggage</c> into the Kafka headers; dispatching to a receiver starts a Consumer span whose
/// parent is that context, so one trace runs from sender to receiver, across nodes.
/// </summary>
internal static class KafkaConnectorTracing
{
    public static readonly ActivitySource Source = new(KafkaConnectorInfo.Name, KafkaConnectorInfo.Version);

    /// <summary>Starts the span of sending to <paramref name="topic"/>, if anyone listens.</summary>
    public static Activity? StartPublish(string topic)
    {
        // Checked first: the span name would otherwise be built (and thrown away) on every produce.
        if (!Source.HasListeners())
        {
            return null;
        }

        var activity = Source.StartActivity($"{topic} publish", ActivityKind.Producer);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("messaging.system", "kafka");
            activity.SetTag("messaging.operation.type", "publish");
            activity.SetTag("messaging.destination.name", topic);
        }

        return activity;
    }

    /// <summary>Writes the current trace context (the publish span, or the caller's) into the headers.</summary>
    public static void Inject(Activity? activity, Headers headers)
    {
        var context = activity ?? Activity.Current;
        if (context is null)
        {
            return;
        }

        DistributedContextPropagator.Current.Inject(context, headers, static (carrier, name, value) =>
        {
            if (carrier is Headers h && value is not null)
            {
                h.Remove(name);
                h.Add(name, Encoding.UTF8.GetBytes(value));
            }
        });
    }

    /// <summary>Starts the span of processing a received message as a child of the sender's context.</summary>
    public static Activity? StartProcess(string topic, int partition, long offset, string receiver, Headers? headers)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        string? traceParent = null, traceState = null;
        if (headers is { Count: > 0 })
        {
            DistributedContextPropagator.Current.ExtractTraceIdAndState(headers, Getter, out traceParent, out traceState);
        }

        ActivityContext.TryParse(traceParent, traceState, isRemote: true, out var parent);
        var activity = Source.StartActivity($"{topic} process", ActivityKind.Consumer, parent);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("messaging.system", "kafka");
            activity.SetTag("messaging.operation.type", "process");
            activity.SetTag("messaging.destination.name", topic);
            activity.SetTag("messaging.destination.partition.id", partition);
            activity.SetTag("messaging.kafka.offset", offset);
            activity.SetTag("kafkaconnector.receiver", receiver);
            if (headers is { Count: > 0 })
            {
                foreach (var item in DistributedContextPropagator.Current.ExtractBaggage(headers, Getter) ?? [])
                {
                    activity.SetBaggage(item.Key, item.Value);
                }
            }
        }

        return activity;
    }

    public static void Failed(Activity? activity, string error)
    {
        activity?.SetStatus(ActivityStatusCode.Error, error);
    }

    private static void Getter(object? carrier, string name, out string? value, out IEnumerable<string>? values)
    {
        values = null;
        value = carrier is Headers headers && headers.TryGetLastBytes(name, out var bytes) ? Encoding.UTF8.GetString(bytes) : null;
    }
}
