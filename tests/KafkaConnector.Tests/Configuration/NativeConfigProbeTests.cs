using KafkaConnector.Configuration;

namespace KafkaConnector.Tests.Configuration;

public sealed class NativeConfigProbeTests
{
    [Theory]
    [InlineData("log_level")] // spelt with an underscore by librdkafka itself
    [InlineData("enabled_events")]
    [InlineData("linger.ms")]
    [InlineData("bootstrap.servers")] // known but unset on a fresh configuration
    [InlineData("sasl.password")]
    [InlineData("acks")] // topic level
    public void IsKnown_LibrdkafkaProperty_IsTrue(string name) => Assert.True(NativeConfigProbe.IsKnown(name), name);

    [Theory]
    [InlineData("log.level")]
    [InlineData("linger_ms")]
    [InlineData("bootstrap_servers")]
    [InlineData("dotnet.producer.enable.delivery.reports")]
    public void IsKnown_OtherName_IsFalse(string name) => Assert.False(NativeConfigProbe.IsKnown(name), name);
}
