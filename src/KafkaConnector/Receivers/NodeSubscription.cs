namespace KafkaConnector.Receivers;

/// <summary>The topics a dispatcher's consumer subscribes to: its receivers', and in the node's scope its broadcast and node topics.</summary>
internal sealed class NodeSubscription(DispatchScope? scope)
{
    /// <summary>The topics and patterns subscribed to now, sorted.</summary>
    public IReadOnlyList<string> Topics { get; private set; } = [];

    /// <summary>The new subscription for <paramref name="receivers"/>, or null when it is the same as now.</summary>
    public List<string>? Update(IEnumerable<ReceiverRegistration> receivers)
    {
        var node = scope!.Topics;
        var wanted = new SortedSet<string>(StringComparer.Ordinal);
        if (scope.IsNode)
        {
            wanted.UnionWith([node.Broadcast, node.Node]);
        }

        foreach (var registration in receivers)
        {
            wanted.UnionWith(registration.Filter.ResolveNames(node));
            wanted.UnionWith(registration.Filter.Patterns.Select(p => p.ToString()));
        }

        if (wanted.SequenceEqual(Topics))
        {
            return null;
        }

        List<string> subscription = [.. wanted];
        Topics = subscription;
        return subscription;
    }
}
