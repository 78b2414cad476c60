using System.Security.Claims;
using KafkaConnector.Connect;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace KafkaConnector.AspNetCore.Admin.Internal;

/// <summary>Kafka Connect connectors, through <see cref="IKafkaConnectApi"/> as the HTTP user.</summary>
internal static class ConnectorEndpoints
{
    public static void Map(RouteGroupBuilder group)
    {
        group.MapGet("/connectors", ListAsync).WithName("KafkaListConnectors").WithSummary("Lists the connectors' names (ConnectorList).")
            .ProducesProblem(StatusCodes.Status502BadGateway);
        group.MapPost("/connectors/{name}", CreateAsync).WithName("KafkaCreateConnector").WithSummary("Creates a connector from its configuration (ConnectorNew).")
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status502BadGateway);
        group.MapGet("/connectors/{name}", GetAsync).WithName("KafkaGetConnector").WithSummary("A connector's configuration and tasks (ConnectorView).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/connectors/{name}/status", StatusAsync).WithName("KafkaConnectorStatus").WithSummary("The state of a connector and its tasks (ConnectorView).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPut("/connectors/{name}/config", UpdateAsync).WithName("KafkaUpdateConnector").WithSummary("Replaces a connector's configuration (ConnectorUpdate).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapDelete("/connectors/{name}", DeleteAsync).WithName("KafkaDeleteConnector").WithSummary("Deletes a connector, and with deleteTopics=true its topics (ConnectorDelete, TopicDelete).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/connectors/{name}/pause", (string name, ClaimsPrincipal user, IKafkaConnectApi api, CancellationToken ct) => Run(api.PauseConnectorAsync(user, name, ct)))
            .WithName("KafkaPauseConnector").WithSummary("Pauses a connector (ConnectorUpdate).");
        group.MapPost("/connectors/{name}/resume", (string name, ClaimsPrincipal user, IKafkaConnectApi api, CancellationToken ct) => Run(api.ResumeConnectorAsync(user, name, ct)))
            .WithName("KafkaResumeConnector").WithSummary("Resumes a connector (ConnectorUpdate).");
        group.MapPost("/connectors/{name}/restart", RestartAsync)
            .WithName("KafkaRestartConnector").WithSummary("Restarts a connector, with includeTasks and onlyFailed as Kafka Connect takes them (ConnectorUpdate).");
    }

    private static Task<IReadOnlyList<string>> ListAsync(ClaimsPrincipal user, IKafkaConnectApi api, CancellationToken ct) => api.ListConnectorsAsync(user, ct);

    private static async Task<IResult> CreateAsync(string name, Dictionary<string, string> config, ClaimsPrincipal user, IKafkaConnectApi api, CancellationToken ct)
    {
        var created = await api.CreateConnectorAsync(user, name, config, ct).ConfigureAwait(false);
        return TypedResults.Created($"connectors/{Uri.EscapeDataString(name)}", created);
    }

    private static Task<KafkaConnectConnectorInfo> GetAsync(string name, ClaimsPrincipal user, IKafkaConnectApi api, CancellationToken ct) => api.GetConnectorAsync(user, name, ct);

    private static Task<KafkaConnectConnectorStatus> StatusAsync(string name, ClaimsPrincipal user, IKafkaConnectApi api, CancellationToken ct) => api.GetConnectorStatusAsync(user, name, ct);

    private static Task<KafkaConnectConnectorInfo> UpdateAsync(string name, Dictionary<string, string> config, ClaimsPrincipal user, IKafkaConnectApi api, CancellationToken ct) =>
        api.UpdateConnectorConfigAsync(user, name, config, ct);

    private static Task<IResult> DeleteAsync(string name, bool? deleteTopics, ClaimsPrincipal user, IKafkaConnectApi api, CancellationToken ct) =>
        Run(api.DeleteConnectorAsync(user, name, deleteTopics ?? false, ct));

    private static async Task<IResult> RestartAsync(string name, bool? includeTasks, bool? onlyFailed, ClaimsPrincipal user, IKafkaConnectApi api, CancellationToken ct) =>
        await api.RestartConnectorAsync(user, name, includeTasks ?? false, onlyFailed ?? false, ct).ConfigureAwait(false) is { } status
            ? TypedResults.Accepted($"connectors/{Uri.EscapeDataString(name)}/status", status)
            : TypedResults.NoContent();

    private static async Task<IResult> Run(Task operation)
    {
        await operation.ConfigureAwait(false);
        return TypedResults.NoContent();
    }
}
