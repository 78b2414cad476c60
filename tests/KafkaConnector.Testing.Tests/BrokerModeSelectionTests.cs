using KafkaConnector.Testing.Internal;

namespace KafkaConnector.Testing.Tests;

public sealed class BrokerModeSelectionTests
{
    [Theory]
    [InlineData(null, null, KafkaTestBrokerMode.Embedded, null)]
    [InlineData("", "  ", KafkaTestBrokerMode.Embedded, null)]
    [InlineData(null, " kafka:9092 ", KafkaTestBrokerMode.External, "kafka:9092")]
    [InlineData("embedded", "kafka:9092", KafkaTestBrokerMode.Embedded, null)]
    [InlineData("External", "kafka:9092", KafkaTestBrokerMode.External, "kafka:9092")]
    [InlineData("TESTCONTAINERS", null, KafkaTestBrokerMode.Testcontainers, null)]
    [InlineData(" testcontainers ", "kafka:9092", KafkaTestBrokerMode.Testcontainers, null)]
    public void Select_MapsTheVariablesToAMode(string? mode, string? bootstrap, KafkaTestBrokerMode expected, string? expectedServers)
    {
        var (selected, servers) = BrokerModeSelection.Select(mode, bootstrap);

        Assert.Equal((expected, expectedServers), (selected, servers));
    }

    [Fact]
    public void Select_UnknownMode_NamesTheVariableAndTheAllowedValues()
    {
        var error = Assert.Throws<ArgumentException>(() => BrokerModeSelection.Select("docker", null));

        Assert.Equal("KAFKA_TEST_BROKER='docker' is not a broker mode; use one of embedded, external, testcontainers, or leave it unset for embedded.", error.Message);
    }

    [Fact]
    public void Select_ExternalWithoutBootstrapServers_SaysWhichVariableIsMissing()
    {
        var error = Assert.Throws<ArgumentException>(() => BrokerModeSelection.Select("external", " "));

        Assert.Contains("KAFKA_TEST_BROKER=external needs KAFKA_BOOTSTRAP_SERVERS", error.Message, StringComparison.Ordinal);
    }
}
