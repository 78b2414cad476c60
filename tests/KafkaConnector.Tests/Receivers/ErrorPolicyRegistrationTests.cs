using KafkaConnector.Messages;
using KafkaConnector.Receivers;
using Microsoft.Extensions.DependencyInjection;

namespace KafkaConnector.Tests.Receivers;

/// <summary>Every way of registering a receiver carries its error policy, and bad policies fail before the node runs.</summary>
public sealed class ErrorPolicyRegistrationTests
{
    private static readonly KafkaErrorPolicy Downstream = KafkaErrorPolicy.Retry(2).ThenHold();

    [Fact]
    public void AddReceiver_Configure_GivesTheReceiverItsPolicy_OthersKeepTheDefault()
    {
        using var services = Build(b => b
            .AddReceiver<OtherReceiver>("orders", configure: r => r.OnError(Downstream))
            .AddReceiver<NodeReceiver>("orders"));

        var registrations = services.GetRequiredService<ReceiverRegistry>().Current;

        Assert.Same(Downstream, registrations.Single(r => r.Name == nameof(OtherReceiver)).ErrorPolicy);
        Assert.Null(registrations.Single(r => r.Name == nameof(NodeReceiver)).ErrorPolicy);
    }

    [Fact]
    public void AddReceiver_ABadPolicy_ThrowsAtRegistration_NamingTheParameter()
    {
        var services = new ServiceCollection();
        var builder = services.AddKafkaConnector(o => o.All["bootstrap.servers"] = "127.0.0.1:9");

        var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            builder.AddReceiver<OtherReceiver>("orders", configure: r => r.OnError(KafkaErrorPolicy.Retry(3, TimeSpan.FromSeconds(2), maxBackoff: TimeSpan.FromSeconds(1)))));

        Assert.Equal("maxBackoff", error.ParamName);
    }

    [Fact]
    public void RegisterAtRuntime_Configure_GivesTheReceiverItsPolicy()
    {
        using var services = Build(_ => { });
        var registry = services.GetRequiredService<ReceiverRegistry>();

        using var handle = services.GetRequiredService<IKafkaConnectorSystemApi>().RegisterReceiver(new RecordingReceiver(), "orders", configure: r => r.OnError(KafkaErrorPolicy.Stop()));

        Assert.Equal("stop", Assert.Single(registry.Current).ErrorPolicy?.ToString());
    }

    [Fact]
    public void TheAttribute_NamesARegisteredPolicy()
    {
        using var services = Build(b => b.AddErrorPolicy("downstream", Downstream).AddReceiversFromAssembly(typeof(ErrorPolicyRegistrationTests).Assembly));

        var registrations = services.GetRequiredService<ReceiverRegistry>().Current;

        Assert.Same(Downstream, registrations.Single(r => r.Name == nameof(AttributedReceiver)).ErrorPolicy);
    }

    [Fact]
    public void TheAttribute_NamingAPolicyThatIsNotRegistered_FailsTheStart_NamingTheReceiverAndThePolicy()
    {
        using var services = Build(b => b.AddReceiversFromAssembly(typeof(ErrorPolicyRegistrationTests).Assembly));

        var error = Assert.Throws<InvalidOperationException>(() => services.GetRequiredService<ReceiverRegistry>().Current);

        Assert.Equal(
            $"Receiver {nameof(AttributedReceiver)} (topics 'orders') names error policy 'downstream', which is not registered: add it with AddErrorPolicy(\"downstream\", …).",
            error.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    public void AddErrorPolicy_WithoutAName_Throws(string name)
    {
        var builder = new ServiceCollection().AddKafkaConnector(o => o.All["bootstrap.servers"] = "127.0.0.1:9");

        Assert.Equal("name", Assert.Throws<ArgumentException>(() => builder.AddErrorPolicy(name, Downstream)).ParamName);
    }

    [Fact]
    public void AddErrorPolicy_TheSameNameTwice_Throws()
    {
        var builder = new ServiceCollection().AddKafkaConnector(o => o.All["bootstrap.servers"] = "127.0.0.1:9").AddErrorPolicy("downstream", Downstream);

        var error = Assert.Throws<ArgumentException>(() => builder.AddErrorPolicy("downstream", KafkaErrorPolicy.Stop()));

        Assert.Equal("An error policy named 'downstream' is registered already. (Parameter 'name')", error.Message);
    }

    private static ServiceProvider Build(Action<IKafkaConnectorBuilder> build)
    {
        var services = new ServiceCollection();
        build(services.AddKafkaConnector(o =>
        {
            o.All["bootstrap.servers"] = "127.0.0.1:9";
            o.Layer = "l";
            o.NodeId = "n";
        }));
        return services.BuildServiceProvider();
    }

    [KafkaReceiver("orders", ErrorPolicy = "downstream")]
    private sealed class AttributedReceiver : IKafkaMessageReceiver
    {
        public Task ReceiveAsync(KafkaMessage message, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
