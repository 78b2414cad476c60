using KafkaConnector.Diagnostics;
using KafkaConnector.Messages;
using Microsoft.Extensions.Logging;

namespace KafkaConnector.Receivers;

/// <summary>
/// Decides who handles a message a dispatcher read: in the node's scope the cluster first, through its
/// inline handler (membership and replies are handled there and then, requests go to its own receiver),
/// then the scope's receivers whose topic and key filters match. Called from the poll thread only.
/// </summary>
internal sealed class ReceiverRouter(ReceiverRegistry registry, DispatchScope scope, IClusterTrafficHandler? cluster, string deadLetterSuffix, KafkaConnectorMetrics metrics, ILogger logger)
{
    private readonly KafkaClusterTopicNames _topics = scope.Topics;
    private readonly Dictionary<string, ReceiverRegistration[]> _byTopic = new(StringComparer.Ordinal);

    /// <summary>The receivers of <paramref name="message"/>; empty when it needs no work (handled inline, or nothing matches).</summary>
    public ReceiverRegistration[] Targets(KafkaMessage message)
    {
        if (cluster is null)
        {
            return Match(message);
        }

        try
        {
            switch (cluster.Route(message, out var own))
            {
                case TrafficRoute.NotMine:
                    return Match(message);
                case TrafficRoute.ToReceiver:
                    return [own!];
                default:
                    return [];
            }
        }
        catch (Exception e)
        {
            // An inline handler must not throw; if it does, count it and go on: the record is the cluster's own.
            metrics.CallbackFailed("cluster");
            DispatchLog.DispatchFailed(logger, e, message.Topic, message.Partition ?? -1, message.Offset ?? -1);
            return [];
        }
    }

    /// <summary>Receivers were added or removed: match topics again.</summary>
    public void Invalidate() => _byTopic.Clear();

    private ReceiverRegistration[] Match(KafkaMessage message)
    {
        if (!_byTopic.TryGetValue(message.Topic, out var forTopic))
        {
            forTopic = _byTopic[message.Topic] = [.. registry.Current.Where(r => !r.IsInternal && scope.Owns(r) && Matches(r.Filter, message.Topic))];
        }

        return Array.TrueForAll(forTopic, static r => r.KeyFilter is null) ? forTopic : Array.FindAll(forTopic, r => r.MatchesKey(message.Key));
    }

    /// <summary>
    /// A regular expression never matches a dead-letter topic (<c>regex:^orders.*</c> would otherwise
    /// read <c>orders.DLT</c> and chain failures into <c>orders.DLT.DLT</c>); name it to receive it.
    /// </summary>
    private bool Matches(KafkaTopicFilter filter, string topic) =>
        filter.ResolveNames(_topics).Contains(topic, StringComparer.Ordinal)
        || (!topic.EndsWith(deadLetterSuffix, StringComparison.Ordinal) && filter.Patterns.Any(p => p.IsMatch(topic)));
}
