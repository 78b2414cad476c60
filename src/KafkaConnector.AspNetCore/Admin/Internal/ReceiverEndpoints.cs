using System.Security.Claims;
using KafkaConnector.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace KafkaConnector.AspNetCore.Admin.Internal;

/// <summary>The node's receivers: status (<c>ReceiverView</c>) and control (<c>ReceiverControl</c>), through <see cref="IKafkaConnectorApi"/> as the HTTP user.</summary>
internal static class ReceiverEndpoints
{
    public static void Map(RouteGroupBuilder group)
    {
        group.MapGet("/receivers", ListAsync).WithName("KafkaReceivers")
            .WithSummary("The node's receivers: state, group, partitions, in flight, lag, last error (ReceiverView).");
        MapControl(group, "/receivers/{id}/pause", "KafkaPauseReceiver", "Pauses a receiver; answers once nothing of it is in flight (ReceiverControl on its id).",
            (string id, ClaimsPrincipal user, IKafkaConnectorApi api, CancellationToken ct) => Run(api.PauseReceiverAsync(user, id, ct)))
            .ProducesProblem(StatusCodes.Status404NotFound);
        MapControl(group, "/receivers/{id}/resume", "KafkaResumeReceiver", "Resumes a paused receiver (ReceiverControl on its id).",
            (string id, ClaimsPrincipal user, IKafkaConnectorApi api, CancellationToken ct) => Run(api.ResumeReceiverAsync(user, id, ct)))
            .ProducesProblem(StatusCodes.Status404NotFound);
        MapControl(group, "/receivers/{id}/restart", "KafkaRestartReceiver", "Runs a receiver its error policy stopped again, from the message it stopped on (ReceiverControl on its id).",
            (string id, ClaimsPrincipal user, IKafkaConnectorApi api, CancellationToken ct) => Run(api.RestartReceiverAsync(user, id, ct)))
            .ProducesProblem(StatusCodes.Status404NotFound);
        MapControl(group, "/consumption/pause", "KafkaPauseConsumption", "Pauses every receiver of the node, not its cluster traffic (ReceiverControl on *).",
            (ClaimsPrincipal user, IKafkaConnectorApi api, CancellationToken ct) => Run(api.PauseAllReceiversAsync(user, ct)));
        MapControl(group, "/consumption/resume", "KafkaResumeConsumption", "Ends a pause of every receiver (ReceiverControl on *).",
            (ClaimsPrincipal user, IKafkaConnectorApi api, CancellationToken ct) => Run(api.ResumeAllReceiversAsync(user, ct)));
        MapControl(group, "/consumption/restart", "KafkaRestartConsumption", "Makes the node's consumers anew, as at start (ReceiverControl on *).", RestartAllAsync)
            .ProducesProblem(StatusCodes.Status409Conflict);
    }

    private static RouteHandlerBuilder MapControl(RouteGroupBuilder group, string pattern, string name, string summary, Delegate handler) =>
        group.MapPost(pattern, handler).WithName(name).WithSummary(summary).Produces(StatusCodes.Status204NoContent);

    private static async Task<IReadOnlyList<KafkaReceiverModel>> ListAsync(ClaimsPrincipal user, IKafkaConnectorApi api, CancellationToken ct) =>
        [.. (await api.GetReceiverStatusAsync(user, ct).ConfigureAwait(false)).Select(KafkaReceiverModel.From)];

    private static async Task<IResult> RestartAllAsync(ClaimsPrincipal user, IKafkaConnectorApi api, CancellationToken ct)
    {
        try
        {
            return await Run(api.RestartAllReceiversAsync(user, ct)).ConfigureAwait(false);
        }
        catch (InvalidOperationException e)
        {
            // The node has no identity, or is starting or stopping: nothing to restart now.
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, detail: e.Message);
        }
    }

    private static async Task<IResult> Run(Task operation)
    {
        await operation.ConfigureAwait(false);
        return TypedResults.NoContent();
    }
}
