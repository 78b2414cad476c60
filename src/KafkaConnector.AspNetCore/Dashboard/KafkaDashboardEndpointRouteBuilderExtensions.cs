using KafkaConnector.AspNetCore.Dashboard.Internal;
using KafkaConnector.AspNetCore.Internal;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the live dashboard.</summary>
public static class KafkaDashboardEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the dashboard at <c>{prefix}/dashboard</c> (default <c>/kafka/dashboard</c>): a page,
    /// its script and style sheet, all served from this assembly, and <c>events</c>, a stream of
    /// server-sent events with a snapshot of the node every second. Anonymous callers get 401;
    /// add your policies to the returned group. Needs <c>AddKafkaDashboard()</c>.
    /// </summary>
    public static RouteGroupBuilder MapKafkaDashboard(this IEndpointRouteBuilder endpoints, string prefix = "/kafka")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var group = endpoints.MapGroup(prefix.TrimEnd('/') + "/dashboard");
        group.AddEndpointFilter<AuthenticatedUser>();
        DashboardEndpoints.Map(group);
        return group;
    }
}
