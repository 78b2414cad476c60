using System.Security.Claims;
using KafkaConnector.Admin;
using KafkaConnector.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace KafkaConnector.AspNetCore.Admin.Internal;

/// <summary>Consumer groups, through <see cref="IKafkaConnectorApi"/> as the HTTP user.</summary>
internal static class GroupEndpoints
{
    public static void Map(RouteGroupBuilder group)
    {
        group.MapGet("/groups", ListAsync).WithName("KafkaListGroups").WithSummary("Lists the consumer groups with state and protocol (GroupList).")
            .ProducesProblem(StatusCodes.Status501NotImplemented);
        group.MapGet("/groups/{groupId}", DescribeAsync).WithName("KafkaDescribeGroup").WithSummary("Describes a consumer group: state, members, assignments (GroupDescribe).")
            .ProducesProblem(StatusCodes.Status501NotImplemented);
        group.MapGet("/groups/{groupId}/offsets", OffsetsAsync).WithName("KafkaGroupOffsets")
            .WithSummary("A group's committed offset, the partition's end and the lag, per partition of the topics named by ?topic= (GroupDescribe).")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status501NotImplemented);
        group.MapPost("/groups/{groupId}/offsets/reset", ResetAsync).WithName("KafkaResetGroupOffsets")
            .WithSummary("Resets a group's offsets on a topic to earliest, latest, a timestamp or an offset, while the group has no active member (GroupReset).")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
    }

    private static async Task<IReadOnlyList<KafkaGroupModel>> ListAsync(ClaimsPrincipal user, IKafkaConnectorApi api, CancellationToken ct) =>
        [.. (await api.ListGroupsAsync(user, ct).ConfigureAwait(false)).Select(GroupMapping.ToModel)];

    private static async Task<KafkaGroupModel> DescribeAsync(string groupId, ClaimsPrincipal user, IKafkaConnectorApi api, CancellationToken ct) =>
        GroupMapping.ToModel((await api.DescribeGroupsAsync(user, [groupId], ct).ConfigureAwait(false)).Single());

    private static Task<IReadOnlyList<KafkaGroupPartitionOffset>> OffsetsAsync(string groupId, string[]? topic, ClaimsPrincipal user, IKafkaConnectorApi api, CancellationToken ct) =>
        api.ListGroupOffsetsAsync(user, groupId, topic is { Length: > 0 } ? topic : null, ct);

    private static Task<IReadOnlyList<KafkaGroupOffsetChange>> ResetAsync(string groupId, KafkaGroupResetRequest request, ClaimsPrincipal user, IKafkaConnectorApi api, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        return api.ResetGroupOffsetsAsync(user, groupId, request.Topic, GroupMapping.ToTarget(request), request.Partitions, ct);
    }
}
