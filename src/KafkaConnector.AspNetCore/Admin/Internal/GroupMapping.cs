using KafkaConnector.Admin;

namespace KafkaConnector.AspNetCore.Admin.Internal;

/// <summary>Consumer groups between the wire (names) and the core's records (Confluent.Kafka enums, offset targets).</summary>
internal static class GroupMapping
{
    public static KafkaGroupModel ToModel(KafkaGroupListing group) =>
        new(group.GroupId, group.State.ToString(), group.Type.ToString(), group.IsSimple);

    public static KafkaGroupModel ToModel(KafkaGroupDescription group) =>
        new(group.GroupId, group.State.ToString(), group.Type.ToString(), group.IsSimple, group.IsActive, group.PartitionAssignor, group.Coordinator,
            group.Members.Select(m => new KafkaGroupMemberModel(
                m.MemberId,
                m.ClientId,
                m.Host,
                m.GroupInstanceId,
                m.Assignment.GroupBy(p => p.Topic, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Select(p => p.Partition.Value).Order().ToArray(), StringComparer.Ordinal)))
            .ToList());

    /// <summary>The target the request names; <c>offset</c> and <c>timestamp</c> need their value, the others take none.</summary>
    public static KafkaOffsetTarget ToTarget(KafkaGroupResetRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var to = request.To?.ToLowerInvariant();
        if (request.Offset is not null && to != "offset")
        {
            throw Invalid("offset", "'offset' is read only with \"to\": \"offset\".");
        }

        if (request.Timestamp is not null && to != "timestamp")
        {
            throw Invalid("timestamp", "'timestamp' is read only with \"to\": \"timestamp\".");
        }

        return to switch
        {
            "earliest" => KafkaOffsetTarget.Earliest,
            "latest" => KafkaOffsetTarget.Latest,
            "offset" => KafkaOffsetTarget.ForOffset(request.Offset ?? throw Invalid("offset", "\"to\": \"offset\" needs 'offset'.")),
            "timestamp" => KafkaOffsetTarget.ForTimestamp(request.Timestamp ?? throw Invalid("timestamp", "\"to\": \"timestamp\" needs 'timestamp' (ISO 8601).")),
            _ => throw Invalid("to", $"'{request.To}' is not a valid to; use earliest, latest, timestamp or offset."),
        };
    }

    /// <summary>A bad request naming the body's <paramref name="key"/>.</summary>
    private static ArgumentException Invalid(string key, string message) => new(message, key);
}
