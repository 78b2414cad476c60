using KafkaConnector.Configuration;

namespace KafkaConnector.Tests.Configuration;

/// <summary>Secret values are recognised by librdkafka's own list, plus the few it prints in clear.</summary>
public sealed class SensitivePropertiesTests
{
    [Theory]
    [InlineData("sasl.password")]
    [InlineData("sasl.username")]
    [InlineData("ssl.key.password")]
    [InlineData("ssl.keystore.password")]
    public void LibrdkafkaRedactsItsSensitiveProperties(string property) =>
        Assert.True(NativeConfigProbe.IsRedactedByLibrdkafka(property), $"{property} should be redacted by librdkafka's dump");

    [Theory]
    [InlineData("client.id")]
    [InlineData("linger.ms")]
    [InlineData("bootstrap.servers")]
    [InlineData("sasl.mechanisms")]
    public void LibrdkafkaShowsOrdinaryProperties(string property) =>
        Assert.False(NativeConfigProbe.IsRedactedByLibrdkafka(property), $"{property} should be shown by librdkafka's dump");

    [Fact]
    public void APropertyLibrdkafkaCannotDump_IsUndecided() => Assert.Null(NativeConfigProbe.IsRedactedByLibrdkafka("ssl_key"));

    [Theory]
    [InlineData("sasl.password", true)]
    [InlineData("sasl.oauthbearer.extensions", true)]
    [InlineData("ssl_key", true)]
    [InlineData("client.id", false)]
    [InlineData("bootstrap.servers", false)]
    public void IsSecret_FollowsLibrdkafka_WithOAuthExtensionsAndUndecidedOnesSecret(string property, bool secret) =>
        Assert.Equal(secret, SensitiveProperties.IsSecret(property));
}
