using Confluent.Kafka;
using KafkaConnector.Admin;
using KafkaConnector.Cluster;
using KafkaConnector.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KafkaConnector.AspNetCore.Admin.Internal;

/// <summary>
/// Wraps every admin endpoint: exceptions become ProblemDetails
/// (denied 403, bad input 400, missing topic or receiver 404, existing topic or active group 409, unsupported 501, Kafka 502).
/// </summary>
internal sealed class AdminProblems : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        try
        {
            return await next(context).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !http.RequestAborted.IsCancellationRequested)
        {
            var (status, detail) = Map(e);
            var logger = http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(AdminLog.Category);
            AdminLog.Failed(logger, http.Request.Method, http.Request.Path, status, e.GetType().Name);
            return Results.Problem(statusCode: status, detail: detail, extensions: Extensions(e));
        }
    }

    internal static (int Status, string Detail) Map(Exception e) => e switch
    {
        KafkaPermissionDeniedException => (StatusCodes.Status403Forbidden, e.Message),
        KafkaTopicOperationException t when t.Failures.All(f => f.Error?.Code == ErrorCode.TopicAlreadyExists) => (StatusCodes.Status409Conflict, e.Message),
        KafkaTopicOperationException t when t.Failures.All(f => f.Error?.Code == ErrorCode.UnknownTopicOrPart) => (StatusCodes.Status404NotFound, e.Message),
        KafkaTopicOperationException => (StatusCodes.Status400BadRequest, e.Message),
        KafkaGroupActiveException => (StatusCodes.Status409Conflict, e.Message),
        KafkaAdminNotSupportedException => (StatusCodes.Status501NotImplemented, e.Message),
        KafkaAdminException => (StatusCodes.Status502BadGateway, e.Message),
        KafkaConnector.Receivers.KafkaReceiverNotFoundException => (StatusCodes.Status404NotFound, e.Message),
        ArgumentException or BadHttpRequestException or System.Text.Json.JsonException => (StatusCodes.Status400BadRequest, e.Message),
        KafkaClusterException => (StatusCodes.Status503ServiceUnavailable, e.Message),
        KafkaConnector.Connect.KafkaConnectConnectorNotFoundException => (StatusCodes.Status404NotFound, e.Message),
        KafkaConnector.Connect.KafkaConnectConflictException => (StatusCodes.Status409Conflict, e.Message),
        KafkaConnector.Connect.KafkaConnectException => (StatusCodes.Status502BadGateway, e.Message),
        _ => (StatusCodes.Status500InternalServerError, "The request failed; the server's log has the details."),
    };

    private static Dictionary<string, object?>? Extensions(Exception e) => e switch
    {
        KafkaTopicOperationException t => new() { ["results"] = t.Results.Select(r => new { topic = r.Topic, error = r.Error?.Code.ToString(), reason = r.Error?.Reason }).ToArray() },
        KafkaGroupActiveException g => new() { ["groupId"] = g.GroupId, ["members"] = g.Members?.Select(m => m.MemberId).ToArray() },
        _ => null,
    };
}
