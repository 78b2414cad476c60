using System.Collections.Concurrent;
using KafkaConnector.AspNetCore.WebSockets.Internal;

namespace KafkaConnector.AspNetCore.Channels.Internal;

/// <summary>The channel-mode sockets open on this node, by connection id and by user.</summary>
internal sealed class ChannelConnections
{
    private readonly ConcurrentDictionary<string, WebSocketConnection> _byId = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, WebSocketConnection>> _byUser = new(StringComparer.Ordinal);

    public int Count => _byId.Count;

    public string Add(string user, WebSocketConnection connection)
    {
        var id = Guid.NewGuid().ToString("N");
        _byId[id] = connection;
        _byUser.GetOrAdd(user, _ => new(StringComparer.Ordinal))[id] = connection;
        return id;
    }

    public void Remove(string user, string id)
    {
        _byId.TryRemove(id, out _);
        if (_byUser.TryGetValue(user, out var connections))
        {
            connections.TryRemove(id, out _);
        }
    }

    public WebSocketConnection? Get(string id) => _byId.GetValueOrDefault(id);

    public IEnumerable<WebSocketConnection> OfUser(string user) =>
        _byUser.TryGetValue(user, out var connections) ? connections.Values : [];
}
