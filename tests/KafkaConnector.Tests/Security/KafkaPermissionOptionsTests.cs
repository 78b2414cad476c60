using KafkaConnector.Security;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace KafkaConnector.Tests.Security;

public sealed class KafkaPermissionOptionsTests
{
    private static List<string> Failures(Action<KafkaPermissionOptions> configure)
    {
        var options = new KafkaPermissionOptions();
        configure(options);
        var result = new KafkaPermissionOptionsValidator().Validate(null, options);
        return result.Failures?.ToList() ?? [];
    }

    [Fact]
    public void ValidRules_PassValidation()
    {
        Assert.Empty(Failures(o =>
        {
            o.Rules.Add(new KafkaPermissionRule { Roles = { "ops" }, Actions = { "*" }, Resources = { "*" } });
            o.Rules.Add(new KafkaPermissionRule { Claims = { new KafkaClaimRequirement { Type = "scope", Value = "w" } }, Actions = { "Produce", "consume" }, Resources = { "orders-*", "^orders-.*" } });
        }));
    }

    [Fact]
    public void UnknownAction_IsReported_WithKeyValueAndTheValidNames()
    {
        var failure = Assert.Single(Failures(o => o.Rules.Add(new KafkaPermissionRule { Roles = { "ops" }, Actions = { "Produce", "Prodce" }, Resources = { "*" } })));

        Assert.StartsWith("KafkaConnector:Permissions:Rules:0:Actions:1 = 'Prodce' is not an action; use one of Produce, Consume, TopicAdd,", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void NumericAction_IsNotAccepted()
    {
        Assert.Contains(Failures(o => o.Rules.Add(new KafkaPermissionRule { Roles = { "ops" }, Actions = { "3" }, Resources = { "*" } })), f => f.Contains("Actions:0 = '3'", StringComparison.Ordinal));
    }

    [Fact]
    public void RuleThatNamesNoOne_NoActions_NoResources_AndBadPattern_AreEachReported()
    {
        var failures = Failures(o =>
        {
            o.Rules.Add(new KafkaPermissionRule { Actions = { "Produce" }, Resources = { "t" } });
            o.Rules.Add(new KafkaPermissionRule { Roles = { "ops" } });
            o.Rules.Add(new KafkaPermissionRule { Roles = { "ops" }, Claims = { new KafkaClaimRequirement() }, Actions = { "Consume" }, Resources = { "^(orders" } });
        });

        Assert.Contains("KafkaConnector:Permissions:Rules:0 names no one: set Roles or Claims.", failures);
        Assert.Contains(failures, f => f.StartsWith("KafkaConnector:Permissions:Rules:1:Actions is empty", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("KafkaConnector:Permissions:Rules:1:Resources is empty", StringComparison.Ordinal));
        Assert.Contains("KafkaConnector:Permissions:Rules:2:Claims:0:Type is required.", failures);
        Assert.Contains(failures, f => f.StartsWith("KafkaConnector:Permissions:Rules:2:Resources:0 = '^(orders' is not a valid regular expression", StringComparison.Ordinal));
    }

    [Fact]
    public async Task HostStart_WithAnUnknownAction_FailsNamingKeyAndValue()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection([
            new("KafkaConnector:All:bootstrap.servers", "localhost:9092"),
            new("KafkaConnector:Permissions:Rules:0:Roles:0", "ops"),
            new("KafkaConnector:Permissions:Rules:0:Actions:0", "Delete"),
            new("KafkaConnector:Permissions:Rules:0:Resources:0", "*"),
        ]);
        builder.Services.AddKafkaConnector(builder.Configuration).AddPermissions();
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("KafkaConnector:Permissions:Rules:0:Actions:0 = 'Delete' is not an action", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddPermissions_BindsRulesFromTheConnectorSection_AndTwiceIsHarmless()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([
            new("KafkaConnector:All:bootstrap.servers", "localhost:9092"),
            new("KafkaConnector:Permissions:Rules:0:Roles:0", "ops"),
            new("KafkaConnector:Permissions:Rules:0:Actions:0", "Produce"),
            new("KafkaConnector:Permissions:Rules:0:Resources:0", "orders-*"),
            new("KafkaConnector:Permissions:Rules:1:Claims:0:Type", "scope"),
            new("KafkaConnector:Permissions:Rules:1:Claims:0:Value", "kafka.read"),
            new("KafkaConnector:Permissions:Rules:1:Actions:0", "Consume"),
            new("KafkaConnector:Permissions:Rules:1:Resources:0", "*"),
        ]).Build();
        var services = new ServiceCollection();
        services.AddKafkaConnector(configuration).AddPermissions().AddPermissions();
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<KafkaPermissionOptions>>().Value;

        Assert.Equal(2, options.Rules.Count);
        Assert.Equal(["ops"], options.Rules[0].Roles);
        Assert.Equal(["orders-*"], options.Rules[0].Resources);
        Assert.Equal("kafka.read", Assert.Single(options.Rules[1].Claims).Value);
        Assert.Single(services, d => d.ServiceType == typeof(IKafkaConnectorApi));
        Assert.Single(services, d => d.ServiceType == typeof(IKafkaPermissionEvaluator));
    }
}
