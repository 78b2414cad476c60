using System.Diagnostics.Metrics;
using System.Security.Claims;
using KafkaConnector.Admin;
using KafkaConnector.AspNetCore.Internal;
using KafkaConnector.Cluster;
using KafkaConnector.Configuration;
using KafkaConnector.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace KafkaConnector.AspNetCore.Admin.Internal;

/// <summary>The REST admin endpoints; Kafka operations go through <see cref="IKafkaConnectorApi"/> as the HTTP user.</summary>
internal static class AdminEndpoints
{
    public static void Map(RouteGroupBuilder group)
    {
        group.MapGet("/status", Status).WithName("KafkaStatus").WithSummary("This node: layer, node id, live members, version.");
        group.MapGet("/cluster/members", Members).WithName("KafkaClusterMembers").WithSummary("The live nodes of this node's layer.")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapGet("/lag", Lag).WithName("KafkaConsumerLag").WithSummary("Consumer lag per partition of the node's consumer.");
        group.MapPost("/topics", CreateTopicAsync).WithName("KafkaCreateTopic").WithSummary("Creates a topic (TopicAdd).")
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapGet("/topics/{name}", DescribeTopicAsync).WithName("KafkaDescribeTopic").WithSummary("Describes a topic (TopicDescribe).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapDelete("/topics/{name}", DeleteTopicAsync).WithName("KafkaDeleteTopic").WithSummary("Deletes a topic (TopicDelete).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/acls", ListAclsAsync).WithName("KafkaListAcls").WithSummary("Lists topic ACLs (AclList).");
        group.MapPost("/acls", AddAclsAsync).WithName("KafkaAddAcls").WithSummary("Adds topic ACLs (AclAdd).")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapPost("/acls/delete", DeleteAclsAsync).WithName("KafkaDeleteAcls").WithSummary("Deletes exactly the given topic ACLs (AclDelete); returns those deleted.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
    }

    private static KafkaNodeStatus Status(IOptions<KafkaConnectorOptions> options, IServiceProvider services)
    {
        var o = options.Value;
        var identified = !string.IsNullOrEmpty(o.Layer) && !string.IsNullOrEmpty(o.NodeId);
        var members = identified ? services.GetRequiredService<IKafkaCluster>().Members.Count : 0;
        var version = typeof(IKafkaConnectorSystemApi).Assembly.GetName().Version?.ToString() ?? "?";
        return new KafkaNodeStatus(o.Layer, o.NodeId, members, version);
    }

    private static KafkaClusterMembers Members(IKafkaCluster cluster) =>
        new(cluster.Topics.Layer, [.. cluster.Members.OrderBy(m => m.NodeId, StringComparer.Ordinal)]);

    private static IReadOnlyList<KafkaPartitionLag> Lag(IMeterFactory meters) => ConnectorMeter.ReadLag(meters);

    private static async Task<IResult> CreateTopicAsync(KafkaTopicCreateRequest request, ClaimsPrincipal user, IKafkaConnectorApi api, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var spec = new KafkaTopicSpec(request.Name)
        {
            Partitions = request.Partitions,
            ReplicationFactor = request.ReplicationFactor,
            Configs = request.Configs ?? new Dictionary<string, string>(),
        };
        await api.CreateTopicAsync(user, spec, ct).ConfigureAwait(false);
        return TypedResults.Created($"topics/{Uri.EscapeDataString(request.Name)}", request);
    }

    private static async Task<KafkaTopicDescription> DescribeTopicAsync(string name, ClaimsPrincipal user, IKafkaConnectorApi api, CancellationToken ct) =>
        (await api.DescribeTopicsAsync(user, [name], ct).ConfigureAwait(false)).Single();

    private static async Task<IResult> DeleteTopicAsync(string name, ClaimsPrincipal user, IKafkaConnectorApi api, CancellationToken ct)
    {
        await api.DeleteTopicAsync(user, name, ct).ConfigureAwait(false);
        return TypedResults.NoContent();
    }

    private static async Task<IReadOnlyList<KafkaAclModel>> ListAclsAsync(string? topic, string? principal, string? patternType, ClaimsPrincipal user, IKafkaConnectorApi api, CancellationToken ct) =>
        [.. (await api.ListAclsAsync(user, AclMapping.ToFilter(topic, principal, patternType), ct).ConfigureAwait(false)).Select(AclMapping.ToModel)];

    private static async Task<IResult> AddAclsAsync(KafkaAclModel[] acls, ClaimsPrincipal user, IKafkaConnectorApi api, CancellationToken ct)
    {
        await api.AddAclsAsync(user, [.. acls.Select(AclMapping.ToAcl)], ct).ConfigureAwait(false);
        return TypedResults.NoContent();
    }

    private static async Task<IReadOnlyList<KafkaAclModel>> DeleteAclsAsync(KafkaAclModel[] acls, ClaimsPrincipal user, IKafkaConnectorApi api, CancellationToken ct) =>
        [.. (await api.DeleteAclsAsync(user, [.. acls.Select(AclMapping.ToAcl)], ct).ConfigureAwait(false)).Select(AclMapping.ToModel)];
}
