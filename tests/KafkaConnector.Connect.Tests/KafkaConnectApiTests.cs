using System.Security.Claims;
using KafkaConnector.Connect;
using KafkaConnector.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace KafkaConnector.Connect.Tests;

/// <summary>
/// Every method of <see cref="IKafkaConnectApi"/> is checked through the connector's permission
/// rules before it reaches the Kafka Connect client. A method without an entry here fails
/// <see cref="EveryMethod_HasAnEntry"/>.
/// </summary>
public sealed class KafkaConnectApiTests
{
    private const string Connector = "orders-sink";

    private static readonly Dictionary<string, Entry> Entries = new(StringComparer.Ordinal)
    {
        [nameof(IKafkaConnectApi.ListConnectorsAsync)] = new(KafkaConnectorAction.ConnectorList, "*", (api, p, ct) => api.ListConnectorsAsync(p, ct)),
        [nameof(IKafkaConnectApi.CreateConnectorAsync)] = new(KafkaConnectorAction.ConnectorNew, Connector, (api, p, ct) => api.CreateConnectorAsync(p, Connector, new Dictionary<string, string>(), ct)),
        [nameof(IKafkaConnectApi.GetConnectorAsync)] = new(KafkaConnectorAction.ConnectorView, Connector, (api, p, ct) => api.GetConnectorAsync(p, Connector, ct)),
        [nameof(IKafkaConnectApi.GetConnectorStatusAsync)] = new(KafkaConnectorAction.ConnectorView, Connector, (api, p, ct) => api.GetConnectorStatusAsync(p, Connector, ct)),
        [nameof(IKafkaConnectApi.UpdateConnectorConfigAsync)] = new(KafkaConnectorAction.ConnectorUpdate, Connector, (api, p, ct) => api.UpdateConnectorConfigAsync(p, Connector, new Dictionary<string, string>(), ct)),
        [nameof(IKafkaConnectApi.DeleteConnectorAsync)] = new(KafkaConnectorAction.ConnectorDelete, Connector, (api, p, ct) => api.DeleteConnectorAsync(p, Connector, deleteTopics: false, ct)),
        [nameof(IKafkaConnectApi.PauseConnectorAsync)] = new(KafkaConnectorAction.ConnectorUpdate, Connector, (api, p, ct) => api.PauseConnectorAsync(p, Connector, ct)),
        [nameof(IKafkaConnectApi.ResumeConnectorAsync)] = new(KafkaConnectorAction.ConnectorUpdate, Connector, (api, p, ct) => api.ResumeConnectorAsync(p, Connector, ct)),
        [nameof(IKafkaConnectApi.RestartConnectorAsync)] = new(KafkaConnectorAction.ConnectorUpdate, Connector, (api, p, ct) => api.RestartConnectorAsync(p, Connector, cancellationToken: ct)),
    };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> Methods() => [.. Entries.Keys.Order(StringComparer.Ordinal)];

    [Fact]
    public void EveryMethod_HasAnEntry() =>
        Assert.Equal(Entries.Keys.Order(StringComparer.Ordinal), typeof(IKafkaConnectApi).GetMethods().Select(m => m.Name).Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(Methods))]
    public async Task Method_ForAnAllowedCaller_ReachesTheClient(string method)
    {
        var client = new RecordingConnectClient();
        using var services = Build(client, allow: ["*"]);

        await Entries[method].Invoke(services.GetRequiredService<IKafkaConnectApi>(), User(), Ct);

        Assert.Contains(client.Calls, c => c.StartsWith(method + "(", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Methods))]
    public async Task Method_ForADeniedCaller_ThrowsNamingActionAndResource_AndNeverReachesTheClient(string method)
    {
        var client = new RecordingConnectClient();
        using var services = Build(client, allow: ["elsewhere"]);
        var entry = Entries[method];

        var denied = await Assert.ThrowsAsync<KafkaPermissionDeniedException>(() => entry.Invoke(services.GetRequiredService<IKafkaConnectApi>(), User(), Ct));

        Assert.Equal(entry.Action, denied.Action);
        Assert.Equal(entry.Resource, denied.Resource);
        Assert.Empty(client.Calls);
    }

    [Fact]
    public async Task DeleteConnector_WithItsTopics_ChecksTopicDeleteOnEachTopic_BeforeDeleting()
    {
        var client = new RecordingConnectClient { Topics = "orders, refunds" };
        using var services = Build(client, allow: [Connector, "orders"]);
        var api = services.GetRequiredService<IKafkaConnectApi>();

        var denied = await Assert.ThrowsAsync<KafkaPermissionDeniedException>(() => api.DeleteConnectorAsync(User(), Connector, deleteTopics: true, Ct));

        Assert.Equal((KafkaConnectorAction.TopicDelete, "refunds"), (denied.Action, denied.Resource));
        Assert.Equal([$"GetConnectorAsync({Connector})"], client.Calls);
    }

    [Fact]
    public void Resolving_WithoutPermissions_SaysToAddThem()
    {
        var services = new ServiceCollection();
        services.AddKafkaConnector(o => o.All["bootstrap.servers"] = "127.0.0.1:9").AddKafkaConnect(o => o.Url = "http://127.0.0.1:8083");
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<InvalidOperationException>(provider.GetRequiredService<IKafkaConnectApi>);

        Assert.Contains("AddPermissions()", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddKafkaConnect_OnTheConnector_DeletesTopicsThroughTheAdminApi()
    {
        var services = new ServiceCollection();
        services.AddKafkaConnector(o => o.All["bootstrap.servers"] = "127.0.0.1:9").AddKafkaConnect(o => o.Url = "http://127.0.0.1:8083");
        using var provider = services.BuildServiceProvider();

        Assert.IsType<AdminTopicDeleter>(provider.GetRequiredService<IKafkaConnectTopicDeleter>());
    }

    /// <summary>A connector with rules that let role <c>app</c> do anything on <paramref name="allow"/>, and <paramref name="client"/> as its Connect client.</summary>
    private static ServiceProvider Build(RecordingConnectClient client, string[] allow)
    {
        var rule = new KafkaPermissionRule { Roles = { "app" }, Actions = { "*" } };
        foreach (var resource in allow)
        {
            rule.Resources.Add(resource);
        }

        var services = new ServiceCollection();
        services.AddKafkaConnector(o => o.All["bootstrap.servers"] = "127.0.0.1:9")
            .AddPermissions(o => o.Rules.Add(rule))
            .AddKafkaConnect(o => o.Url = "http://127.0.0.1:8083");
        services.Replace(ServiceDescriptor.Singleton<IKafkaConnectClient>(client));
        return services.BuildServiceProvider();
    }

    private static ClaimsPrincipal User() =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.Name, "alice"), new Claim(ClaimTypes.Role, "app")], authenticationType: "test"));

    private sealed record Entry(KafkaConnectorAction Action, string Resource, Func<IKafkaConnectApi, ClaimsPrincipal, CancellationToken, Task> Invoke);
}
