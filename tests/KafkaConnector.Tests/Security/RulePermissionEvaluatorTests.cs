using System.Security.Claims;
using Confluent.Kafka.Admin;
using KafkaConnector.Security;
using Microsoft.Extensions.Options;

namespace KafkaConnector.Tests.Security;

public sealed class RulePermissionEvaluatorTests
{
    private static readonly ClaimsPrincipal Alice = Principals.User("alice", "writer");

    private static RulePermissionEvaluator Evaluator(params KafkaPermissionRule[] rules)
    {
        var options = new KafkaPermissionOptions();
        foreach (var rule in rules)
        {
            options.Rules.Add(rule);
        }

        return new RulePermissionEvaluator(Options.Create(options));
    }

    private static KafkaPermissionRule ForRole(string role, string[] actions, params string[] resources)
    {
        var rule = new KafkaPermissionRule { Roles = { role } };
        foreach (var action in actions)
        {
            rule.Actions.Add(action);
        }

        foreach (var resource in resources)
        {
            rule.Resources.Add(resource);
        }

        return rule;
    }

    private static bool Allowed(RulePermissionEvaluator evaluator, ClaimsPrincipal principal, KafkaConnectorAction action, string resource) =>
        evaluator.IsAllowedAsync(principal, action, resource, CancellationToken.None).AsTask().GetAwaiter().GetResult();

    [Fact]
    public void NoRules_DeniesEverything()
    {
        var evaluator = Evaluator();

        Assert.All(Enum.GetValues<KafkaConnectorAction>(), action => Assert.False(Allowed(evaluator, Alice, action, "orders")));
    }

    [Fact]
    public void Unauthenticated_IsDenied_EvenWithTheRole()
    {
        var evaluator = Evaluator(ForRole("writer", ["*"], "*"));

        Assert.True(Allowed(evaluator, Alice, KafkaConnectorAction.Produce, "orders"));
        Assert.False(Allowed(evaluator, Principals.Anonymous("writer"), KafkaConnectorAction.Produce, "orders"));
        Assert.False(Allowed(evaluator, new ClaimsPrincipal(), KafkaConnectorAction.Produce, "orders"));
    }

    [Fact]
    public void Role_AllowsOnlyTheListedActions_CaseInsensitively()
    {
        var evaluator = Evaluator(ForRole("writer", ["produce", "TOPICDESCRIBE"], "orders"));

        Assert.True(Allowed(evaluator, Alice, KafkaConnectorAction.Produce, "orders"));
        Assert.True(Allowed(evaluator, Alice, KafkaConnectorAction.TopicDescribe, "orders"));
        Assert.False(Allowed(evaluator, Alice, KafkaConnectorAction.Consume, "orders"));
        Assert.False(Allowed(evaluator, Principals.User("bob", "reader"), KafkaConnectorAction.Produce, "orders"));
    }

    [Fact]
    public void Claim_WithValue_MustMatchExactly_WithoutValue_AnyValueCounts()
    {
        var exact = new KafkaPermissionRule { Claims = { new KafkaClaimRequirement { Type = "scope", Value = "kafka.write" } }, Actions = { "Produce" }, Resources = { "*" } };
        var any = new KafkaPermissionRule { Claims = { new KafkaClaimRequirement { Type = "tenant" } }, Actions = { "Consume" }, Resources = { "*" } };
        var evaluator = Evaluator(exact, any);

        Assert.True(Allowed(evaluator, Principals.WithClaims("c", ("scope", "kafka.write")), KafkaConnectorAction.Produce, "t"));
        Assert.False(Allowed(evaluator, Principals.WithClaims("c", ("scope", "kafka.read")), KafkaConnectorAction.Produce, "t"));
        Assert.True(Allowed(evaluator, Principals.WithClaims("c", ("tenant", "eu")), KafkaConnectorAction.Consume, "t"));
        Assert.False(Allowed(evaluator, Principals.WithClaims("c", ("tenant", "eu")), KafkaConnectorAction.Produce, "t"));
    }

    [Theory]
    [InlineData("orders-*", "orders-eu", true)]
    [InlineData("orders-*", "orders-", true)]
    [InlineData("orders-*", "Orders-eu", false)]
    [InlineData("orders-*", "payments", false)]
    [InlineData("*-audit", "orders-audit", true)]
    [InlineData("orders", "orders", true)]
    [InlineData("orders", "orders-eu", false)]
    [InlineData("orders.eu", "ordersXeu", false)]
    [InlineData("*", "anything", true)]
    public void Resources_AreExactNamesOrStarWildcards(string rule, string resource, bool allowed)
    {
        var evaluator = Evaluator(ForRole("writer", ["Produce"], rule));

        Assert.Equal(allowed, Allowed(evaluator, Alice, KafkaConnectorAction.Produce, resource));
    }

    [Theory]
    [InlineData("^orders-.*", "^orders-.*", true)]
    [InlineData("*", "^orders-.*", true)]
    [InlineData("orders-*", "^orders-.*", false)]
    [InlineData("*.*", "^orders\\..*", false)]
    [InlineData("^orders-.*", "^orders-eu.*", false)]
    public void PatternSubscriptions_AreAllowedOnlyAsWritten_OrByStar(string rule, string pattern, bool allowed)
    {
        var evaluator = Evaluator(ForRole("writer", ["Consume"], rule));

        Assert.Equal(allowed, Allowed(evaluator, Alice, KafkaConnectorAction.Consume, pattern));
    }

    [Theory]
    [InlineData("orders-*", ResourcePatternType.Prefixed, "orders-eu-", true)]
    [InlineData("orders*", ResourcePatternType.Prefixed, "orders-", true)]
    [InlineData("orders-eu", ResourcePatternType.Prefixed, "orders-eu", false)]
    [InlineData("orders-eu-*", ResourcePatternType.Prefixed, "orders-", false)]
    [InlineData("orders-eu", ResourcePatternType.Literal, "orders-eu", true)]
    [InlineData("orders-*", ResourcePatternType.Literal, "*", false)]
    public void PrefixedAcls_AreAllowedOnlyByRulesCoveringTheWholePrefix(string rule, ResourcePatternType patternType, string aclTopic, bool allowed)
    {
        var evaluator = Evaluator(ForRole("writer", ["AclAdd"], rule));

        Assert.Equal(allowed, Allowed(evaluator, Alice, KafkaConnectorAction.AclAdd, KafkaConnectorApi.Resource(aclTopic, patternType)));
    }

    [Fact]
    public void AnyRule_Allowing_IsEnough()
    {
        var evaluator = Evaluator(ForRole("reader", ["Consume"], "orders"), ForRole("writer", ["Produce"], "orders"));

        Assert.True(Allowed(evaluator, Principals.User("dual", "reader", "writer"), KafkaConnectorAction.Produce, "orders"));
        Assert.True(Allowed(evaluator, Principals.User("dual", "reader", "writer"), KafkaConnectorAction.Consume, "orders"));
        Assert.False(Allowed(evaluator, Principals.User("r", "reader"), KafkaConnectorAction.Produce, "orders"));
    }
}
