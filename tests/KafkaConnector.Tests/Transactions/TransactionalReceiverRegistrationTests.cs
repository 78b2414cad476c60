using KafkaConnector.Diagnostics;
using KafkaConnector.Transactions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KafkaConnector.Tests.Transactions;

/// <summary>Registration and start-up checks of transactional receivers: bad input fails at once, naming what is at fault. No broker.</summary>
public sealed class TransactionalReceiverRegistrationTests
{
    [Fact]
    public async Task AHostWithoutANodeId_FailsToStart_NamingTheKey()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(new TransformSettings("out"));
        builder.Services.AddKafkaConnector(o => o.All["bootstrap.servers"] = "127.0.0.1:1").AddTransactionalReceiver<TransformReceiver>("in", "g");
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("KafkaConnector:NodeId", error.Message, StringComparison.Ordinal);
        Assert.Contains("TransformReceiver on 'in' in group 'g'", error.Message, StringComparison.Ordinal);
        await host.StopAsync(CancellationToken.None);
    }

    [Fact]
    public void ASecondReceiverForTheSameGroup_IsRefused_ForTheyWouldShareATransactionalId()
    {
        var connector = new ServiceCollection().AddKafkaConnector(o => o.NodeId = "a").AddTransactionalReceiver<TransformReceiver>("in", "g");

        var error = Assert.Throws<ArgumentException>(() => connector.AddTransactionalReceiver<OtherTransformReceiver>("other", "g"));

        Assert.Equal("groupId", error.ParamName);
        Assert.Contains("Group 'g'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("MaxBatchSize")]
    [InlineData("MaxBatchDuration")]
    [InlineData("TransactionTimeout")]
    public void AnOptionOutOfRange_IsRefusedAtRegistration_NamingIt(string option)
    {
        var connector = new ServiceCollection().AddKafkaConnector(o => o.NodeId = "a");
        Action<KafkaTransactionalReceiverOptions> configure = option switch
        {
            "MaxBatchSize" => r => r.MaxBatchSize = 0,
            "MaxBatchDuration" => r => r.MaxBatchDuration = TimeSpan.Zero,
            _ => r => r.TransactionTimeout = TimeSpan.FromMilliseconds(50),
        };

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => connector.AddTransactionalReceiver<TransformReceiver>("in", "g", configure));

        Assert.StartsWith(option, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("in", " ")]
    [InlineData("not a topic!", "g")]
    public void ABadGroupOrTopicFilter_IsRefusedAtRegistration(string filter, string group)
    {
        var connector = new ServiceCollection().AddKafkaConnector(o => o.NodeId = "a");

        Assert.ThrowsAny<ArgumentException>(() => connector.AddTransactionalReceiver<TransformReceiver>(filter, group));
    }

    [Fact]
    public void WithoutTransactionalReceivers_NoTransactionalStatusIsRegistered()
    {
        using var provider = new ServiceCollection().AddKafkaConnector(o => o.NodeId = "a").Services.BuildServiceProvider();

        Assert.Null(provider.GetService<IKafkaTransactionalStatus>());
    }

    private sealed class OtherTransformReceiver(TransformSettings settings) : IKafkaTransactionalReceiver
    {
        public Task ReceiveAsync(KafkaConnector.Messages.KafkaMessage message, IKafkaTransactionalOutput output, CancellationToken cancellationToken) =>
            new TransformReceiver(settings).ReceiveAsync(message, output, cancellationToken);
    }
}
