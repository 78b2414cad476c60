using Confluent.Kafka;
using KafkaConnector.Messages;
using KafkaConnector.Receivers;

namespace KafkaConnector.Cluster;

/// <summary>
/// This node's view of its layer: identity, broadcast, direct messages, request/reply and live
/// membership, all over plain Kafka records (docs/cluster.md). Needs <c>KafkaConnector:Layer</c>
/// and <c>KafkaConnector:NodeId</c>; without them every member throws <see cref="InvalidOperationException"/>.
/// </summary>
public interface IKafkaCluster
{
    /// <summary>This node's topic and group names.</summary>
    KafkaClusterTopicNames Topics { get; }

    /// <summary>The nodes currently alive in the layer, this one included.</summary>
    IReadOnlyCollection<KafkaClusterMember> Members { get; }

    /// <summary>Joins and leaves of other nodes, as they are seen.</summary>
    IObservable<KafkaClusterMemberEvent> MemberEvents { get; }

    /// <summary>Completes when the node consumes its broadcast and node topics: from then on every message sent to it arrives.</summary>
    Task WaitUntilReadyAsync(CancellationToken cancellationToken = default);

    /// <summary>Sends to every node of the layer (this one included) through the broadcast topic.</summary>
    Task<KafkaDeliveryResult> BroadcastAsync(byte[]? key, byte[]? value, Headers? headers = null, CancellationToken cancellationToken = default);

    /// <summary>Sends to one node through its node topic.</summary>
    /// <exception cref="ArgumentException"><paramref name="nodeId"/> is empty or not letters, digits, '.', '_' or '-'.</exception>
    Task<KafkaDeliveryResult> SendToNodeAsync(string nodeId, byte[]? key, byte[]? value, Headers? headers = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sends a request to <paramref name="nodeId"/>, whose <see cref="IKafkaRequestHandler"/> for
    /// <paramref name="operation"/> answers; returns the reply.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="nodeId"/> is empty or not letters, digits, '.', '_' or '-'.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is zero, negative or beyond a timer's range (about 49 days); checked before anything is sent.</exception>
    /// <exception cref="KafkaClusterNodeNotFoundException">No such node is alive in the layer.</exception>
    /// <exception cref="KafkaClusterRequestTimeoutException">No reply within the timeout (default <c>Cluster:RequestTimeout</c>).</exception>
    /// <exception cref="KafkaClusterRequestFailedException">The node answered with an error (no handler, or the handler threw).</exception>
    Task<KafkaMessage> RequestAsync(string nodeId, string operation, byte[]? payload, TimeSpan? timeout = null, CancellationToken cancellationToken = default);
}

/// <summary>Answers requests sent with <see cref="IKafkaCluster.RequestAsync"/> for one operation name.</summary>
public interface IKafkaRequestHandler
{
    /// <summary>Handles a request and returns the reply payload. An exception becomes an error reply.</summary>
    Task<byte[]?> HandleAsync(KafkaMessage request, CancellationToken cancellationToken);
}

/// <summary>A node of the layer.</summary>
/// <param name="NodeId">Its id.</param>
/// <param name="Layer">Its layer.</param>
/// <param name="StartedAt">When it started.</param>
/// <param name="LastSeen">When it was last heard of.</param>
public sealed record KafkaClusterMember(string NodeId, string Layer, DateTimeOffset StartedAt, DateTimeOffset LastSeen);

/// <summary>A node joined or left.</summary>
/// <param name="Kind">Joined, Left or TimedOut.</param>
/// <param name="Member">The node.</param>
public sealed record KafkaClusterMemberEvent(KafkaClusterMemberEventKind Kind, KafkaClusterMember Member);

/// <summary>What happened to a member.</summary>
public enum KafkaClusterMemberEventKind
{
    /// <summary>The node was seen for the first time (or again after it left).</summary>
    Joined,

    /// <summary>The node announced a clean shutdown.</summary>
    Left,

    /// <summary>The node was silent past <c>Cluster:MemberTimeout</c>.</summary>
    TimedOut,
}

/// <summary>The base of cluster errors.</summary>
public class KafkaClusterException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>A request named a node that is not alive in the layer.</summary>
public sealed class KafkaClusterNodeNotFoundException(string nodeId, string layer, IEnumerable<string> known)
    : KafkaClusterException($"Node '{nodeId}' is not a live member of layer '{layer}' (members: {string.Join(", ", known.Order(StringComparer.Ordinal))}).")
{
    /// <summary>The node asked for.</summary>
    public string NodeId { get; } = nodeId;
}

/// <summary>A request got no reply in time.</summary>
public sealed class KafkaClusterRequestTimeoutException(string nodeId, string operation, TimeSpan timeout)
    : KafkaClusterException($"Node '{nodeId}' did not answer request '{operation}' within {timeout.TotalSeconds:0.###} s.")
{
    /// <summary>The node asked.</summary>
    public string NodeId { get; } = nodeId;
}

/// <summary>A node answered a request with an error.</summary>
public sealed class KafkaClusterRequestFailedException(string nodeId, string operation, string error)
    : KafkaClusterException($"Node '{nodeId}' failed request '{operation}': {error}")
{
    /// <summary>The node asked.</summary>
    public string NodeId { get; } = nodeId;

    /// <summary>The error the node reported.</summary>
    public string Error { get; } = error;
}
