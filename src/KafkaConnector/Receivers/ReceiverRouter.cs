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
    private readonly Dictionary<string, (ReceiverRegistration[] Messages, ReceiverRegistration[] Batches)> _byTopic = new(StringComparer.Ordinal);

    /// <summary>
    /// The message receivers of <paramref name="message"/>, and in <paramref name="batches"/> its batch
    /// receivers; both empty when it needs no work (handled inline, or nothing matches).
    /// </summary>
    public ReceiverRegistration[] Targets(KafkaMessage message, out ReceiverRegistration[] batches)
    {
        batches = [];
        if (cluster is null)
        {
            return Match(message, out batches);
        }

        try
        {
            switch (cluster.Route(message, out var own))
            {
                case TrafficRoute.NotMine:
                    return Match(message, out batches);
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

    private ReceiverRegistration[] Match(KafkaMessage message, out ReceiverRegistration[] batches)
    {
        if (!_byTopic.TryGetValue(message.Topic, out var forTopic))
        {
            var matching = registry.Current.Where(r => !r.IsInternal && scope.Owns(r) && Matches(r.Filter, message.Topic)).ToList();
            forTopic = _byTopic[message.Topic] = ([.. matching.Where(r => !r.IsBatch)], [.. matching.Where(r => r.IsBatch)]);
        }

        batches = forTopic.Batches; // a batch holds a partition's messages whatever their key: no key filter
        var messages = forTopic.Messages;
        return Array.TrueForAll(messages, static r => r.KeyFilter is null) ? messages : Array.FindAll(messages, r => r.MatchesKey(message.Key));
    }

    /// <summary>
    /// A regular expression never matches a dead-letter topic (<c>regex:^orders.*</c> would otherwise
    /// read <c>orders.DLT</c> and chain failures into <c>orders.DLT.DLT</c>); name it to receive it.
    /// </summary>
    private bool Matches(KafkaTopicFilter filter, string topic) =>
        filter.ResolveNames(_topics).Contains(topic, StringComparer.Ordinal)
        || (!topic.EndsWith(deadLetterSuffix, StringComparison.Ordinal) && filter.Patterns.Any(p => p.IsMatch(topic)));
}
