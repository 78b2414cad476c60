using KafkaConnector.Configuration;

namespace KafkaConnector.Tests.Configuration;

public sealed class SecretScrubberTests
{
    private static readonly Dictionary<string, string> Config = new()
    {
        ["bootstrap.servers"] = "broker-1:9092",
        ["client.id"] = "orders-service",
        ["sasl.password"] = "hunter2-password",
        ["sasl.oauthbearer.extensions"] = "logicalCluster=lkc-secret1,identityPoolId=pool-secret2",
    };

    [Fact]
    public void Scrub_MasksWholeSecretValuesAndEachOAuthExtensionValue()
    {
        var scrubber = SecretScrubber.For(Config);

        var text = scrubber.Scrub("auth failed for hunter2-password with extension identityPoolId=pool-secret2 and lkc-secret1");

        Assert.Equal("auth failed for *** with extension *** and ***", text);
    }

    [Fact]
    public void Scrub_LeavesValuesOfOrdinaryPropertiesAlone()
    {
        var scrubber = SecretScrubber.For(Config);

        Assert.Equal("orders-service cannot reach broker-1:9092", scrubber.Scrub("orders-service cannot reach broker-1:9092"));
    }

    [Fact]
    public void Scrub_IgnoresValuesTooShortToBeMaskedSafely()
    {
        var scrubber = SecretScrubber.For(new Dictionary<string, string> { ["sasl.password"] = "abc" });

        Assert.Equal("abc abc", scrubber.Scrub("abc abc"));
    }
}
