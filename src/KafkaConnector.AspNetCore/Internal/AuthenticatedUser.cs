using Microsoft.AspNetCore.Http;

namespace KafkaConnector.AspNetCore.Internal;

/// <summary>The one rule every endpoint of the package applies first: an authenticated user, else 401.</summary>
internal sealed class AuthenticatedUser : IEndpointFilter
{
    public static IResult? Refusal(HttpContext context) => context.User.Identity?.IsAuthenticated == true
        ? null
        : Results.Problem(statusCode: StatusCodes.Status401Unauthorized, detail: "An authenticated user is required.");

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        Refusal(context.HttpContext) ?? await next(context).ConfigureAwait(false);
}
