using KafkaConnector.Configuration;

namespace KafkaConnector.Tests.Configuration;

public sealed class KafkaConnectorOptionsValidatorTests
{
    private static KafkaConnectorOptions Valid()
    {
        var options = new KafkaConnectorOptions();
        options.All["bootstrap.servers"] = "localhost:9092";
        return options;
    }

    private static string Failure(KafkaConnectorOptions options)
    {
        var result = new KafkaConnectorOptionsValidator().Validate(null, options);
        Assert.True(result.Failed, "validation should fail");
        return result.FailureMessage;
    }

    [Fact]
    public void ValidOptions_Pass()
    {
        var options = Valid();
        options.Producer["linger.ms"] = "10";
        options.Layer = "microservices";
        options.NodeId = "node-1";

        Assert.True(new KafkaConnectorOptionsValidator().Validate(null, options).Succeeded);
    }

    [Fact]
    public void MissingBootstrapServers_NamesTheKey()
    {
        var message = Failure(new KafkaConnectorOptions());

        Assert.Contains("KafkaConnector:All:bootstrap.servers is required", message, StringComparison.Ordinal);
        Assert.Contains("KAFKA_BOOTSTRAP_SERVERS", message, StringComparison.Ordinal);
    }

    [Fact]
    public void BootstrapServersInProducerAndConsumer_IsEnough()
    {
        var options = new KafkaConnectorOptions();
        options.Producer["bootstrap.servers"] = "a:1";
        options.Consumer["bootstrap.servers"] = "a:1";

        Assert.True(new KafkaConnectorOptionsValidator().Validate(null, options).Succeeded);
    }

    [Fact]
    public void UnknownNativeProperty_NamesSectionKeyAndValue()
    {
        var options = Valid();
        options.Consumer["fetch.max.bites"] = "100";

        var message = Failure(options);

        Assert.Contains("KafkaConnector:Consumer:fetch.max.bites = '100'", message, StringComparison.Ordinal);
        Assert.Contains("No such configuration property", message, StringComparison.Ordinal);
    }

    [Fact]
    public void LogLevel_IsCheckedUnderItsOwnUnderscoreName()
    {
        var valid = Valid();
        valid.All["log_level"] = "7";
        var invalid = Valid();
        invalid.All["log_level"] = "9";

        Assert.True(new KafkaConnectorOptionsValidator().Validate(null, valid).Succeeded);
        var message = Failure(invalid);
        Assert.Contains("KafkaConnector:All:log_level = '9'", message, StringComparison.Ordinal);
        Assert.Contains("\"log_level\"", message, StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidNativeValue_NamesKeyAndValue_WithLibrdkafkasReason()
    {
        var options = Valid();
        options.Producer["acks"] = "most";

        var message = Failure(options);

        Assert.Contains("KafkaConnector:Producer:acks = 'most'", message, StringComparison.Ordinal);
        Assert.Contains("Invalid value", message, StringComparison.Ordinal);
    }

    [Fact]
    public void SecretValues_NeverAppearInMessages()
    {
        var options = Valid();
        options.All["sasl.password.typo"] = "hunter2-secret-value";

        var message = Failure(options);

        Assert.Contains("KafkaConnector:All:sasl.password.typo = '***'", message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Layer", "micro services")]
    [InlineData("Layer", "layer/1")]
    [InlineData("NodeId", "node#1")]
    [InlineData("NodeId", "")]
    public void BadLayerOrNodeId_NamesKeyAndValue(string key, string value)
    {
        var options = Valid();
        if (key == "Layer")
        {
            options.Layer = value;
        }
        else
        {
            options.NodeId = value;
        }

        Assert.Contains($"KafkaConnector:{key} = '{value}'", Failure(options), StringComparison.Ordinal);
    }

    [Fact]
    public void OverlongNodeId_IsRejected()
    {
        var options = Valid();
        options.NodeId = new string('n', 200);

        Assert.Contains("KafkaConnector:NodeId", Failure(options), StringComparison.Ordinal);
    }

    [Fact]
    public void NonPositiveSizesAndTimes_NameKeyAndValue()
    {
        var options = Valid();
        options.System.MaxConsumerThreads = 0;
        options.Reactive.BufferSize = -5;
        options.Reactive.MaxConsumerThreads = 0;
        options.ShutdownTimeout = TimeSpan.Zero;
        options.System.PollInterval = TimeSpan.FromSeconds(-1);

        var message = Failure(options);

        Assert.Contains("KafkaConnector:System:MaxConsumerThreads = 0 must be at least 1", message, StringComparison.Ordinal);
        Assert.Contains("KafkaConnector:Reactive:BufferSize = -5 must be at least 1", message, StringComparison.Ordinal);
        Assert.Contains("KafkaConnector:Reactive:MaxConsumerThreads = 0", message, StringComparison.Ordinal);
        Assert.Contains("KafkaConnector:ShutdownTimeout = 00:00:00 must be greater than zero", message, StringComparison.Ordinal);
        Assert.Contains("KafkaConnector:System:PollInterval = -00:00:01", message, StringComparison.Ordinal);
    }
}
