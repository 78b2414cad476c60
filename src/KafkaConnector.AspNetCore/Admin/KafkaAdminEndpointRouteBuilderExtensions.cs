using KafkaConnector.AspNetCore.Admin.Internal;
using KafkaConnector.AspNetCore.Internal;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the REST endpoints that administer Kafka.</summary>
public static class KafkaAdminEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps status, cluster members, consumer lag, topics (create, describe, delete), ACLs (add,
    /// list, delete), consumer groups (list, describe, offsets and lag, reset) and the node's
    /// receivers (status; pause, resume, restart one or all) under
    /// <paramref name="prefix"/> (default <c>/kafka</c>), and connectors (list,
    /// create, get, status, update, delete, pause, resume, restart) when the application added the
    /// Connect module (<c>AddKafkaConnect()</c>, through <c>IKafkaConnectApi</c>). Every Kafka operation
    /// goes through the permission-checked <c>IKafkaConnectorApi</c> as the HTTP user (needs
    /// <c>AddPermissions()</c>); anonymous callers get 401, denials 403, failures ProblemDetails.
    /// Returns the route group: add your own policies with <c>RequireAuthorization(…)</c>.
    /// </summary>
    public static RouteGroupBuilder MapKafkaAdmin(this IEndpointRouteBuilder endpoints, string prefix = "/kafka")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var group = endpoints.MapGroup(prefix);
        group.AddEndpointFilter<AuthenticatedUser>()
            .AddEndpointFilter<AdminProblems>()
            .WithTags("Kafka")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status500InternalServerError);
        AdminEndpoints.Map(group);
        GroupEndpoints.Map(group);
        ReceiverEndpoints.Map(group);
        if (endpoints.ServiceProvider.GetService<IServiceProviderIsService>()?.IsService(typeof(KafkaConnector.Connect.IKafkaConnectApi)) == true)
        {
            ConnectorEndpoints.Map(group); // the Connect module was added (AddKafkaConnect)
        }

        return group;
    }
}
