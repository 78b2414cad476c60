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

    [Theory]
    [InlineData("Producer", "Consumer")]
    [InlineData("Consumer", "Producer")]
    public void BootstrapServersInOneClientSectionOnly_NamesTheSectionWithout_AndEveryFix(string set, string missing)
    {
        var options = new KafkaConnectorOptions();
        (set == "Producer" ? options.Producer : options.Consumer)["bootstrap.servers"] = "a:1";

        var message = Failure(options);

        Assert.Contains($"KafkaConnector:{missing}:bootstrap.servers is required: KafkaConnector:{set}:bootstrap.servers reaches {set.ToLowerInvariant()}s only.", message, StringComparison.Ordinal);
        Assert.Contains("Set KafkaConnector:All:bootstrap.servers or the KAFKA_BOOTSTRAP_SERVERS environment variable", message, StringComparison.Ordinal);
        Assert.DoesNotContain("KafkaConnector:All:bootstrap.servers is required", message, StringComparison.Ordinal);
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
    public void UnknownNativeProperty_NamesSectionAndKey_ButNotTheValue()
    {
        var options = Valid();
        options.Consumer["fetch.max.bites"] = "100";

        var message = Failure(options);

        Assert.Contains("KafkaConnector:Consumer:fetch.max.bites = '***'", message, StringComparison.Ordinal);
        Assert.Contains("No such configuration property", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sasl.passwrd")]
    [InlineData("sasl_passwrd")]
    [InlineData("ssl.kee.pem")]
    [InlineData("dotnet.sasl.pass")]
    public void MisspeltSecretKey_NeverShowsTheValue(string key)
    {
        var options = Valid();
        options.All[key] = "hunter2-secret-value";

        var message = Failure(options);

        Assert.Contains($"KafkaConnector:All:{key} = '***'", message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sasl.password")]
    [InlineData("sasl.oauthbearer.client.secret")]
    [InlineData("sasl.oauthbearer.config")]
    [InlineData("sasl.oauthbearer.assertion.private.key.passphrase")]
    [InlineData("sasl.oauthbearer.assertion.private.key.pem")]
    [InlineData("ssl.key.password")]
    [InlineData("ssl.key.pem")]
    [InlineData("ssl.keystore.password")]
    [InlineData("ssl_key")]
    public void LibrdkafkasSecretProperties_AreSecret(string key) => Assert.True(KafkaConnectorOptionsValidator.IsSecret(key), key);

    [Theory]
    [InlineData("0")]
    [InlineData("1")]
    public void AcksBelowAll_WithTheDefaultIdempotence_FailsAtStart_SayingHowToFixIt(string acks)
    {
        var options = Valid();
        options.Producer["acks"] = acks;

        var message = Failure(options);

        Assert.Contains("KafkaConnector:Producer: librdkafka refuses this producer configuration", message, StringComparison.Ordinal);
        Assert.Contains("acks", message, StringComparison.Ordinal);
        Assert.Contains("set KafkaConnector:Producer:enable.idempotence = false", message, StringComparison.Ordinal);
    }

    [Fact]
    public void AcksZero_WithIdempotenceOff_Passes()
    {
        var options = Valid();
        options.Producer["acks"] = "0";
        options.Producer["enable.idempotence"] = "false";

        Assert.True(new KafkaConnectorOptionsValidator().Validate(null, options).Succeeded);
    }

    [Fact]
    public void AConsumerOnlyConflict_IsReportedForTheConsumer()
    {
        var options = Valid();
        options.Consumer["fetch.max.bytes"] = "100000";
        options.Consumer["receive.message.max.bytes"] = "50000";

        var message = Failure(options);

        Assert.Contains("KafkaConnector:Consumer: librdkafka refuses this consumer configuration", message, StringComparison.Ordinal);
        Assert.DoesNotContain("KafkaConnector:Producer:", message, StringComparison.Ordinal);
    }

    [Fact]
    public void OAuthExtensions_AreNeverShown_InAStartUpError()
    {
        var options = Valid();
        options.All["sasl.oauthbearer.extensions"] = "logicalCluster=lkc-hunter2";
        options.All["sasl.oauthbearer.extensions.typo"] = "identityPoolId=pool-hunter2";
        options.Producer["linger.ms"] = "not-a-number";

        var message = Failure(options);

        Assert.DoesNotContain("hunter2", message, StringComparison.Ordinal);
        Assert.Contains("KafkaConnector:Producer:linger.ms = 'not-a-number'", message, StringComparison.Ordinal);
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

    private static KafkaConnectorOptions WithEveryConfluentProperty()
    {
        var options = Valid();
        options.All["dotnet.cancellation.delay.max.ms"] = "200";
        options.Producer["dotnet.producer.enable.background.poll"] = "true";
        options.Producer["dotnet.producer.enable.delivery.reports"] = "true";
        options.Producer["dotnet.producer.delivery.report.fields"] = "key, status";
        options.Consumer["dotnet.consumer.consume.result.fields"] = "all";
        return options;
    }

    [Fact]
    public void ConfluentKafkaProperties_PassValidation_AndEveryClientAcceptsThem()
    {
        var options = WithEveryConfluentProperty();
        var factory = new KafkaClientFactory(Microsoft.Extensions.Options.Options.Create(options), Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance, null!);

        var result = new KafkaConnectorOptionsValidator().Validate(null, options);

        Assert.True(result.Succeeded, result.FailureMessage);
        using var producer = factory.CreateProducer();
        using var consumer = factory.CreateConsumer("g");
        using var admin = factory.CreateAdminClient();
    }

    [Fact]
    public void UnknownConfluentKafkaProperty_IsRejected_NamingTheKnownOnes()
    {
        var options = Valid();
        options.Producer["dotnet.producer.enable.delivery.report"] = "true";

        var message = Failure(options);

        Assert.Contains("KafkaConnector:Producer:dotnet.producer.enable.delivery.report = '***'", message, StringComparison.Ordinal);
        Assert.Contains("is not a Confluent.Kafka property", message, StringComparison.Ordinal);
        Assert.Contains("dotnet.producer.enable.delivery.reports", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("All", "dotnet.producer.enable.delivery.reports", "true", "belongs in KafkaConnector:Producer")]
    [InlineData("Consumer", "dotnet.producer.delivery.report.fields", "all", "belongs in KafkaConnector:Producer")]
    [InlineData("Admin", "dotnet.consumer.consume.result.fields", "all", "belongs in KafkaConnector:Consumer")]
    [InlineData("All", "dotnet.cancellation.delay.max.ms", "0", "must be a whole number of milliseconds from 1 to 10000")]
    [InlineData("Producer", "dotnet.producer.enable.delivery.reports", "false", "must be true")]
    [InlineData("Producer", "dotnet.producer.enable.background.poll", "no", "must be true")]
    [InlineData("Producer", "dotnet.producer.delivery.report.fields", "key,value", "must include status")]
    [InlineData("Producer", "dotnet.producer.delivery.report.fields", "status,offset", "names 'offset', which is not a field")]
    [InlineData("Consumer", "dotnet.consumer.consume.result.fields", "headers,topic", "must include timestamp")]
    public void MisplacedOrUnusableConfluentKafkaProperty_NamesKeyValueAndReason(string section, string key, string value, string reason)
    {
        var options = Valid();
        var target = section switch
        {
            "All" => options.All,
            "Producer" => options.Producer,
            "Consumer" => options.Consumer,
            _ => options.Admin,
        };
        target[key] = value;

        var message = Failure(options);

        Assert.Contains($"KafkaConnector:{section}:{key} = '{value}' {reason}", message, StringComparison.Ordinal);
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
