using System.Security.Claims;
using KafkaConnector.Messages;
using KafkaConnector.Security;
using KafkaConnector.Testing;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;

namespace KafkaConnector.Tests.Security;

/// <summary>The ASP.NET Core authorization adapter of docs/security.md, run as written there.</summary>
public sealed class AspNetCoreAuthorizationTests(KafkaFixture fixture)
{
    private readonly KafkaTestCluster _cluster = fixture.Cluster;

    [Fact]
    public async Task AuthorizationServiceAdapter_DecidesThroughTheApplicationsPolicy()
    {
        var ct = TestContext.Current.CancellationToken;
        var suffix = _cluster.NewTopicName("orders");
        await using var connector = SecureConnector.Create(_cluster, services: services =>
        {
            services.AddAuthorizationCore(o => o.AddPolicy(AuthorizationServiceEvaluator.Policy, p => p.RequireAuthenticatedUser().AddRequirements(new KafkaAccessRequirement())));
            services.AddSingleton<IAuthorizationHandler, TenantTopicHandler>();
            services.AddSingleton<IKafkaPermissionEvaluator, AuthorizationServiceEvaluator>();
        });
        var acme = Principals.WithClaims("ann", ("tenant", "acme"));

        var delivered = await connector.Api.ProduceAsync(acme, KafkaMessage.FromText($"acme-{suffix}", null, "ok"), ct);
        var otherTenant = await Assert.ThrowsAsync<KafkaPermissionDeniedException>(() => connector.Api.ProduceAsync(acme, KafkaMessage.FromText($"globex-{suffix}", null, "no"), ct));
        var notAllowedAction = await Assert.ThrowsAsync<KafkaPermissionDeniedException>(() => connector.Api.DeleteTopicsAsync(acme, [$"acme-{suffix}"], ct));
        await Assert.ThrowsAsync<KafkaPermissionDeniedException>(() => connector.Api.ProduceAsync(new ClaimsPrincipal(new ClaimsIdentity([new Claim("tenant", "acme")])), KafkaMessage.FromText($"acme-{suffix}", null, "anonymous"), ct));

        Assert.True(delivered.IsSuccess);
        Assert.Equal($"globex-{suffix}", otherTenant.Resource);
        Assert.Equal(KafkaConnectorAction.TopicDelete, notAllowedAction.Action);
        Assert.Equal(["IKafkaConnectorSystemApi.ProduceAsync"], connector.Calls);
    }

    // ---- As in docs/security.md ----

    /// <summary>What a Kafka permission check hands to ASP.NET Core authorization as the resource.</summary>
    public sealed record KafkaResource(KafkaConnectorAction Action, string Name);

    /// <summary>Marks the policy that guards Kafka access.</summary>
    public sealed class KafkaAccessRequirement : IAuthorizationRequirement;

    /// <summary>Asks the application's "kafka" policy for every check.</summary>
    public sealed class AuthorizationServiceEvaluator(IAuthorizationService authorization) : IKafkaPermissionEvaluator
    {
        public const string Policy = "kafka";

        public async ValueTask<bool> IsAllowedAsync(ClaimsPrincipal principal, KafkaConnectorAction action, string resource, CancellationToken cancellationToken)
        {
            var result = await authorization.AuthorizeAsync(principal, new KafkaResource(action, resource), Policy);
            return result.Succeeded;
        }
    }

    /// <summary>Users may produce and consume the topics of their own tenant: "tenant-…".</summary>
    public sealed class TenantTopicHandler : AuthorizationHandler<KafkaAccessRequirement, KafkaResource>
    {
        protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, KafkaAccessRequirement requirement, KafkaResource resource)
        {
            var tenant = context.User.FindFirst("tenant")?.Value;
            if (tenant is not null
                && resource.Action is KafkaConnectorAction.Produce or KafkaConnectorAction.Consume
                && resource.Name.StartsWith(tenant + "-", StringComparison.Ordinal))
            {
                context.Succeed(requirement);
            }

            return Task.CompletedTask;
        }
    }
}
