using KafkaConnector.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace KafkaConnector.Tests.Configuration;

/// <summary>What binding cannot see: keys that bind to nothing, bare-number durations, a misnamed section.</summary>
public sealed class KafkaConnectorSectionValidatorTests
{
    private static IConfiguration Config(params (string Key, string Value)[] pairs) =>
        new ConfigurationBuilder().AddInMemoryCollection(pairs.Select(p => new KeyValuePair<string, string?>(p.Key, p.Value))).Build();

    private static string StartFailure(IConfiguration configuration, Action<IKafkaConnectorBuilder>? modules = null)
    {
        var services = new ServiceCollection();
        var builder = services.AddKafkaConnector(configuration);
        modules?.Invoke(builder);
        using var provider = services.BuildServiceProvider();
        return Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<KafkaConnectorOptions>>().Value).Message;
    }

    private static KafkaConnectorOptions Start(IConfiguration configuration, Action<IKafkaConnectorBuilder>? modules = null)
    {
        var services = new ServiceCollection();
        var builder = services.AddKafkaConnector(configuration);
        modules?.Invoke(builder);
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<KafkaConnectorOptions>>().Value;
    }

    [Theory]
    [InlineData("KafkaConnector:ShutdownTimout", "00:00:05", "KafkaConnector:ShutdownTimout is not a connector setting: did you mean KafkaConnector:ShutdownTimeout?")]
    [InlineData("KafkaConnector:Dispach:MaxRetries", "5", "KafkaConnector:Dispach is not a connector setting: did you mean KafkaConnector:Dispatch?")]
    [InlineData("KafkaConnector:Layr", "shop", "KafkaConnector:Layr is not a connector setting: did you mean KafkaConnector:Layer?")]
    [InlineData("KafkaConnector:Dispatch:MaxRetris", "5", "KafkaConnector:Dispatch:MaxRetris is not a connector setting: did you mean KafkaConnector:Dispatch:MaxRetries?")]
    public void MisspeltKey_FailsStart_WithTheNearestValidKey(string key, string value, string expected)
    {
        var message = StartFailure(Config(("KafkaConnector:All:bootstrap.servers", "b:9092"), (key, value)));

        Assert.Contains(expected, message, StringComparison.Ordinal);
    }

    [Fact]
    public void KeysDifferingOnlyInCase_BindAndPass() =>
        Assert.Equal(7, Start(Config(("KafkaConnector:All:bootstrap.servers", "b:9092"), ("KafkaConnector:dispatch:maxretries", "7"))).Dispatch.MaxRetries);

    [Fact]
    public void AModulesSection_IsUnknownUntilTheModuleIsAdded()
    {
        var config = Config(("KafkaConnector:All:bootstrap.servers", "b:9092"), ("KafkaConnector:Permissions:Rules:0:Action", "Produce"));

        Assert.Contains("KafkaConnector:Permissions is not a connector setting", StartFailure(config), StringComparison.Ordinal);
        Assert.NotNull(Start(config, b => b.Services.AddSingleton(new KafkaConnectorModuleSection("Permissions"))));
    }

    [Theory]
    [InlineData("KafkaConnector:ShutdownTimeout", "5")]
    [InlineData("KafkaConnector:Dispatch:RetryBackoff", "200")]
    public void BareNumberDuration_FailsStart_InsteadOfMeaningDays(string key, string value)
    {
        var message = StartFailure(Config(("KafkaConnector:All:bootstrap.servers", "b:9092"), (key, value)));

        Assert.Contains($"{key} = '{value}' is a bare number, which .NET reads as {value} day(s)", message, StringComparison.Ordinal);
    }

    [Fact]
    public void BareNumberDuration_SuggestsBothReadings()
    {
        var message = StartFailure(Config(("KafkaConnector:All:bootstrap.servers", "b:9092"), ("KafkaConnector:Dispatch:RetryBackoff", "200")));

        Assert.Contains("e.g. '00:03:20' for 200 s or '00:00:00.200' for 200 ms.", message, StringComparison.Ordinal);
    }

    [Fact]
    public void LowerCaseSectionName_Binds() =>
        Assert.Equal("shop", Start(Config(("kafkaconnector:All:bootstrap.servers", "b:9092"), ("kafkaconnector:Layer", "shop"), ("kafkaconnector:NodeId", "n1"))).Layer);

    [Fact]
    public void ASectionPassedByHand_BindsWhateverItsName() =>
        Assert.Equal("n1", Start(Config(("Messaging:Kafka:All:bootstrap.servers", "b:9092"), ("Messaging:Kafka:Layer", "shop"), ("Messaging:Kafka:NodeId", "n1"))
            .GetSection("Messaging:Kafka")).NodeId);

    [Fact]
    public void MisnamedSection_IsNamed_InsteadOfSayingBootstrapServersIsMissing()
    {
        var message = StartFailure(Config(("KafkaConector:All:bootstrap.servers", "b:9092"), ("KafkaConector:Layer", "shop")));

        Assert.Contains("The configuration has no 'KafkaConnector' section, but 'KafkaConector' holds connector keys", message, StringComparison.Ordinal);
    }

    [Fact]
    public void LayerWithoutNodeId_FailsStart()
    {
        var message = StartFailure(Config(("KafkaConnector:All:bootstrap.servers", "b:9092"), ("KafkaConnector:Layer", "shop")));

        Assert.Contains("KafkaConnector:Layer is set but KafkaConnector:NodeId is not", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ShutdownTimout", "ShutdownTimeout", 1)]
    [InlineData("Dispach", "Dispatch", 1)]
    [InlineData("MaxRetires", "MaxRetries", 1)]
    [InlineData("abc", "abc", 0)]
    public void Distance_CountsEditsAndSwaps(string a, string b, int expected) => Assert.Equal(expected, KeySuggestion.Distance(a.ToLowerInvariant(), b.ToLowerInvariant()));

    [Fact]
    public void Nearest_IsNullWhenNothingIsClose() => Assert.Null(KeySuggestion.Nearest("Banana", ["Layer", "NodeId", "System"]));
}
