using System.Text;
using static KafkaConnector.AspNetCore.Channels.KafkaChannelCommands;

namespace KafkaConnector.AspNetCore.Channels.Internal;

/// <summary>Who receives a message: these users' connections.</summary>
internal sealed record ChannelDelivery(IReadOnlyCollection<string> Users, KafkaChannelMessage Message);

/// <summary>What applying one command did: deliveries, or the reason it was refused (for its sender only).</summary>
internal sealed record ChannelOutcome(IReadOnlyList<ChannelDelivery> Deliveries, string? Error)
{
    public static ChannelOutcome Refused(string error) => new([], error);
}

/// <summary>
/// The channels, their roles and bans, rebuilt on every node from the channel topic: each node
/// applies the same commands in the same order (one partition per channel), so all agree. Pure: no I/O.
/// </summary>
internal sealed class ChannelState
{
    public const string ChannelId = "channelId";
    public const string Sender = "sender";
    public const string Recipient = "recipient";
    public const string User = "user";

    private readonly Dictionary<string, Channel> _channels = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>The members of a channel, or null when it does not exist.</summary>
    public IReadOnlyCollection<string>? MembersOf(string channelId)
    {
        lock (_lock)
        {
            return _channels.TryGetValue(channelId, out var c) ? [.. c.Members] : null;
        }
    }

    /// <summary>How many channels exist.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _channels.Count;
            }
        }
    }

    /// <summary>Applies a command whose <c>sender</c> and <c>channelId</c> the server set.</summary>
    public ChannelOutcome Apply(KafkaChannelMessage command)
    {
        if (!command.Params.TryGetValue(ChannelId, out var id) || string.IsNullOrEmpty(id) || !command.Params.TryGetValue(Sender, out var sender) || string.IsNullOrEmpty(sender))
        {
            return ChannelOutcome.Refused("channelId and sender are required.");
        }

        lock (_lock)
        {
            if (command.Cmd == CreateChannel)
            {
                return Create(command, id, sender);
            }

            if (!_channels.TryGetValue(id, out var channel))
            {
                return ChannelOutcome.Refused($"Channel '{id}' does not exist.");
            }

            return command.Cmd switch
            {
                DeleteChannel => Delete(command, id, channel, sender),
                JoinChannel => Join(command, channel, sender),
                LeaveChannel => Leave(command, channel, sender),
                SendMessage => channel.Members.Contains(sender)
                    ? Deliver(channel.Members, command, KafkaChannelMessageTypes.Application)
                    : ChannelOutcome.Refused($"Only members of '{id}' may send to it."),
                SendPrivateMessage => Private(command, channel, sender),
                KickUser or BanUser => Remove(command, channel, sender),
                UnbanUser => Unban(command, channel, sender),
                PromoteAdmin => Promote(command, channel, sender),
                _ => ChannelOutcome.Refused($"Unknown command '{command.Cmd}'."),
            };
        }
    }

    private ChannelOutcome Create(KafkaChannelMessage command, string id, string sender)
    {
        if (_channels.ContainsKey(id))
        {
            return ChannelOutcome.Refused($"Channel '{id}' already exists.");
        }

        var channel = new Channel(sender);
        _channels[id] = channel;
        return Deliver(channel.Members, command, KafkaChannelMessageTypes.Info, $"{sender} created {id}");
    }

    private ChannelOutcome Delete(KafkaChannelMessage command, string id, Channel channel, string sender)
    {
        if (channel.Owner != sender)
        {
            return ChannelOutcome.Refused($"Only the owner may delete '{id}'.");
        }

        _channels.Remove(id);
        return Deliver(channel.Members, command, KafkaChannelMessageTypes.Info, $"{sender} deleted {id}");
    }

    private static ChannelOutcome Join(KafkaChannelMessage command, Channel channel, string sender)
    {
        if (channel.Banned.Contains(sender))
        {
            return ChannelOutcome.Refused($"{sender} is banned from '{command.Params[ChannelId]}'.");
        }

        channel.Members.Add(sender);
        return Deliver(channel.Members, command, KafkaChannelMessageTypes.Info, $"{sender} joined");
    }

    private static ChannelOutcome Leave(KafkaChannelMessage command, Channel channel, string sender)
    {
        if (!channel.Members.Contains(sender))
        {
            return ChannelOutcome.Refused($"{sender} is not a member of '{command.Params[ChannelId]}'.");
        }

        var audience = channel.Members.ToArray();
        channel.Members.Remove(sender);
        channel.Admins.Remove(sender);
        return Deliver(audience, command, KafkaChannelMessageTypes.Info, $"{sender} left");
    }

    private static ChannelOutcome Private(KafkaChannelMessage command, Channel channel, string sender)
    {
        if (!command.Params.TryGetValue(Recipient, out var recipient) || !channel.Members.Contains(sender) || !channel.Members.Contains(recipient))
        {
            return ChannelOutcome.Refused("Private messages go between two members of the channel: set params.recipient.");
        }

        return Deliver([recipient], command, KafkaChannelMessageTypes.Application);
    }

    private static ChannelOutcome Remove(KafkaChannelMessage command, Channel channel, string sender)
    {
        if (!command.Params.TryGetValue(User, out var target) || string.IsNullOrEmpty(target))
        {
            return ChannelOutcome.Refused($"{command.Cmd} needs params.user.");
        }

        if (!channel.MayModerate(sender, target))
        {
            return ChannelOutcome.Refused($"{sender} may not {(command.Cmd == BanUser ? "ban" : "kick")} {target}.");
        }

        var ban = command.Cmd == BanUser;
        if (!ban && !channel.Members.Contains(target))
        {
            return ChannelOutcome.Refused($"{target} is not a member.");
        }

        var audience = channel.Members.Append(target).Distinct(StringComparer.Ordinal).ToArray();
        channel.Members.Remove(target);
        channel.Admins.Remove(target);
        if (ban)
        {
            channel.Banned.Add(target);
        }

        return Deliver(audience, command, KafkaChannelMessageTypes.Info, $"{sender} {(ban ? "banned" : "kicked")} {target}");
    }

    private static ChannelOutcome Unban(KafkaChannelMessage command, Channel channel, string sender)
    {
        if (!command.Params.TryGetValue(User, out var target) || !channel.Banned.Contains(target))
        {
            return ChannelOutcome.Refused("UNBAN_USER needs params.user, a banned user.");
        }

        if (channel.Owner != sender && !channel.Admins.Contains(sender))
        {
            return ChannelOutcome.Refused($"{sender} may not unban.");
        }

        channel.Banned.Remove(target);
        return Deliver(channel.Members.Append(target).Distinct(StringComparer.Ordinal).ToArray(), command, KafkaChannelMessageTypes.Info, $"{sender} unbanned {target}");
    }

    private static ChannelOutcome Promote(KafkaChannelMessage command, Channel channel, string sender)
    {
        if (channel.Owner != sender || !command.Params.TryGetValue(User, out var target) || !channel.Members.Contains(target))
        {
            return ChannelOutcome.Refused("Only the owner may promote, and only a member (params.user).");
        }

        channel.Admins.Add(target);
        return Deliver(channel.Members, command, KafkaChannelMessageTypes.Info, $"{sender} made {target} an admin");
    }

    private static ChannelOutcome Deliver(IEnumerable<string> users, KafkaChannelMessage command, string type, string? text = null)
    {
        var message = new KafkaChannelMessage
        {
            Cmd = command.Cmd,
            Payload = text is null ? command.Payload : Encoding.UTF8.GetBytes(text),
            ContentType = text is null ? command.ContentType : "text/plain",
            Timestamp = command.Timestamp,
            Type = type,
            Params = command.Params.Where(p => !p.Key.StartsWith(ChannelEnvelope.InternalPrefix, StringComparison.Ordinal))
                .ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal),
        };
        return new ChannelOutcome([new ChannelDelivery([.. users], message)], null);
    }

    private sealed class Channel(string owner)
    {
        public string Owner { get; } = owner;

        public HashSet<string> Admins { get; } = new(StringComparer.Ordinal);

        public HashSet<string> Members { get; } = new(StringComparer.Ordinal) { owner };

        public HashSet<string> Banned { get; } = new(StringComparer.Ordinal);

        // The owner moderates everyone else; an admin moderates plain members.
        public bool MayModerate(string actor, string target) =>
            target != Owner && actor != target && (actor == Owner || (Admins.Contains(actor) && !Admins.Contains(target)));
    }
}
