using System.Text;
using KafkaConnector.Messages;

namespace KafkaConnector.Cluster;

/// <summary>
/// The wire format of node coordination: plain Kafka records whose headers say what they are, so
/// kcat or any client can take part (docs/cluster.md). A record without <see cref="Type"/> is
/// application data and goes to receivers; one with it is the cluster's own and never does.
/// </summary>
internal static class ClusterHeaders
{
    /// <summary>What the record is: <see cref="MemberType"/>, <see cref="RequestType"/> or <see cref="ReplyType"/>.</summary>
    public const string Type = "kc-type";

    /// <summary>A membership announcement on the broadcast topic (key: node id; value: JSON member info).</summary>
    public const string MemberType = "member";

    /// <summary>A request to a node, on that node's topic.</summary>
    public const string RequestType = "request";

    /// <summary>A reply, on the requester's node topic.</summary>
    public const string ReplyType = "reply";

    /// <summary>
    /// An empty record a node writes to one of its topics that it could not create with the admin
    /// API, so that a broker which creates topics on first write does. Ignored by every node.
    /// </summary>
    public const string ProbeType = "probe";

    /// <summary>Membership event: <c>join</c>, <c>alive</c> or <c>leave</c>.</summary>
    public const string Event = "kc-event";

    /// <summary>The sending node's id.</summary>
    public const string From = "kc-from";

    /// <summary>Correlates a reply with its request.</summary>
    public const string CorrelationId = "kc-correlation-id";

    /// <summary>The topic a reply goes to (the requester's node topic).</summary>
    public const string ReplyTo = "kc-reply-to";

    /// <summary>The request's operation name, which selects the handler.</summary>
    public const string Operation = "kc-operation";

    /// <summary>On a reply: <c>ok</c> or <c>error</c>.</summary>
    public const string Status = "kc-status";

    /// <summary>On an error reply: what went wrong.</summary>
    public const string Error = "kc-error";

    internal static string? Get(KafkaMessage message, string name) => message.HasHeaders ? message.HeaderAsString(name) : null;

    internal static void Set(Confluent.Kafka.Headers headers, string name, string value)
    {
        headers.Remove(name);
        headers.Add(name, Encoding.UTF8.GetBytes(value));
    }
}
