using System.Text.Json.Serialization;

namespace KafkaConnector.AspNetCore.Channels;

/// <summary>
/// The channel-mode envelope, on the socket and on the channel topic alike:
/// <c>{"cmd","payload","contentType","timestamp","type","params":{"channelId","sender",…}}</c>,
/// with <c>payload</c> in base64 and <c>timestamp</c> in Unix milliseconds.
/// </summary>
public sealed class KafkaChannelMessage
{
    /// <summary>The command (see <see cref="KafkaChannelCommands"/>).</summary>
    [JsonPropertyName("cmd")]
    public string? Cmd { get; set; }

    /// <summary>The content: chat text, or an event's or error's description (UTF-8).</summary>
    [JsonPropertyName("payload")]
    public byte[]? Payload { get; set; }

    /// <summary>The payload's media type, e.g. <c>text/plain</c>.</summary>
    [JsonPropertyName("contentType")]
    public string? ContentType { get; set; }

    /// <summary>When the server accepted the command, Unix milliseconds (set by the server).</summary>
    [JsonPropertyName("timestamp")]
    public long Timestamp { get; set; }

    /// <summary><c>APPLICATION</c> (a message), <c>INFO</c> (an event) or <c>ERROR</c> (see <see cref="KafkaChannelMessageTypes"/>).</summary>
    [JsonPropertyName("type")]
    public string? Type { get; set; }

    /// <summary><c>channelId</c>, <c>sender</c> (set by the server from the authenticated user), and per command <c>recipient</c> or <c>user</c>.</summary>
    [JsonPropertyName("params")]
    public Dictionary<string, string> Params { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>The commands of channel mode.</summary>
public static class KafkaChannelCommands
{
    /// <summary>Creates <c>channelId</c>; the sender becomes its owner and first member.</summary>
    public const string CreateChannel = "CREATE_CHANNEL";

    /// <summary>Deletes the channel (owner only).</summary>
    public const string DeleteChannel = "DELETE_CHANNEL";

    /// <summary>Joins the channel (unless banned).</summary>
    public const string JoinChannel = "JOIN_CHANNEL";

    /// <summary>Leaves the channel.</summary>
    public const string LeaveChannel = "LEAVE_CHANNEL";

    /// <summary>Sends the payload to every member (members only).</summary>
    public const string SendMessage = "SEND_MESSAGE";

    /// <summary>Sends the payload to member <c>recipient</c> only.</summary>
    public const string SendPrivateMessage = "SEND_PRIVATE_MESSAGE";

    /// <summary>Removes member <c>user</c> (owner, or admin for plain members).</summary>
    public const string KickUser = "KICK_USER";

    /// <summary>Removes <c>user</c> and keeps them from joining again (owner, or admin for plain members).</summary>
    public const string BanUser = "BAN_USER";

    /// <summary>Lets a banned <c>user</c> join again (owner or admin).</summary>
    public const string UnbanUser = "UNBAN_USER";

    /// <summary>Makes member <c>user</c> an admin (owner only).</summary>
    public const string PromoteAdmin = "PROMOTE_ADMIN";
}

/// <summary>Values of <see cref="KafkaChannelMessage.Type"/>.</summary>
public static class KafkaChannelMessageTypes
{
    /// <summary>A message from a user.</summary>
    public const string Application = "APPLICATION";

    /// <summary>An event: someone joined, left, was kicked, banned, …</summary>
    public const string Info = "INFO";

    /// <summary>The command was refused or the frame could not be read; the payload says why.</summary>
    public const string Error = "ERROR";
}
