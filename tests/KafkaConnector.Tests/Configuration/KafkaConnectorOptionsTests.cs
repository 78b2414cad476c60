using KafkaConnector.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace KafkaConnector.Tests.Configuration;

public sealed class KafkaConnectorOptionsTests
{
    private static IConfiguration Config(params (string Key, string Value)[] pairs) =>
        new ConfigurationBuilder().AddInMemoryCollection(pairs.Select(p => new KeyValuePair<string, string?>(p.Key, p.Value))).Build();

    private static KafkaConnectorOptions Bind(IConfiguration configuration)
    {
        var services = new ServiceCollection();
        services.AddKafkaConnector(configuration);
        return services.BuildServiceProvider().GetRequiredService<IOptions<KafkaConnectorOptions>>().Value;
    }

    [Fact]
    public void Binding_ReadsEverySectionAndSetting()
    {
        var options = Bind(Config(
            ("KafkaConnector:All:bootstrap.servers", "broker:9092"),
            ("KafkaConnector:Producer:linger.ms", "20"),
            ("KafkaConnector:Consumer:auto.offset.reset", "earliest"),
            ("KafkaConnector:Admin:request.timeout.ms", "5000"),
            ("KafkaConnector:Layer", "microservices"),
            ("KafkaConnector:NodeId", "node-1"),
            ("KafkaConnector:System:MaxConsumerThreads", "12"),
            ("KafkaConnector:System:PollInterval", "00:00:00.250"),
            ("KafkaConnector:Reactive:MaxConsumerThreads", "3"),
            ("KafkaConnector:Reactive:BufferSize", "64"),
            ("KafkaConnector:ShutdownTimeout", "00:00:05")));

        Assert.Equal("broker:9092", options.All["bootstrap.servers"]);
        Assert.Equal("20", options.Producer["linger.ms"]);
        Assert.Equal("earliest", options.Consumer["auto.offset.reset"]);
        Assert.Equal("5000", options.Admin["request.timeout.ms"]);
        Assert.Equal("microservices", options.Layer);
        Assert.Equal("node-1", options.NodeId);
        Assert.Equal(12, options.System.MaxConsumerThreads);
        Assert.Equal(TimeSpan.FromMilliseconds(250), options.System.PollInterval);
        Assert.Equal(3, options.Reactive.MaxConsumerThreads);
        Assert.Equal(64, options.Reactive.BufferSize);
        Assert.Equal(TimeSpan.FromSeconds(5), options.ShutdownTimeout);
    }

    [Fact]
    public void Defaults_MatchTheDocumentedValues()
    {
        var options = new KafkaConnectorOptions();

        Assert.Equal(50, options.System.MaxConsumerThreads);
        Assert.Equal(TimeSpan.FromMilliseconds(500), options.System.PollInterval);
        Assert.Equal(1, options.Reactive.MaxConsumerThreads);
        Assert.Equal(1000, options.Reactive.BufferSize);
        Assert.Equal(TimeSpan.FromSeconds(10), options.ShutdownTimeout);
    }

    [Fact]
    public void SpecificSection_WinsOverAll_AndDefaultsComeFirst()
    {
        var options = new KafkaConnectorOptions();
        options.All["bootstrap.servers"] = "a:1";
        options.All["linger.ms"] = "50";
        options.All["acks"] = "1";
        options.Producer["linger.ms"] = "7";
        options.Consumer["linger.ms"] = "99";
        var factory = new KafkaClientFactory(Options.Create(options), Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance, null!);

        var producer = factory.CreateProducerConfig();
        var consumer = factory.CreateConsumerConfig("g");

        Assert.Equal(7, producer.LingerMs);
        Assert.Equal(Confluent.Kafka.Acks.Leader, producer.Acks); // All overrides the default acks=all
        Assert.True(producer.EnableIdempotence);
        Assert.Equal("a:1", consumer.BootstrapServers);
        Assert.False(consumer.EnableAutoCommit);
        Assert.False(consumer.EnableAutoOffsetStore);
        Assert.Equal(10, consumer.FetchQueueBackoffMs);
    }

    [Fact]
    public void UnderscoreKeys_MeanDottedNativeNames_SoEnvironmentVariablesWork()
    {
        var options = new KafkaConnectorOptions();
        options.All["bootstrap_servers"] = "env:9092";
        options.Producer["linger_ms"] = "3";
        var factory = new KafkaClientFactory(Options.Create(options), Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance, null!);

        var producer = factory.CreateProducerConfig();

        Assert.Equal("env:9092", producer.BootstrapServers);
        Assert.Equal(3, producer.LingerMs);
    }

    [Fact]
    public void UnderscoreKeysLibrdkafkaKnows_KeepTheirName()
    {
        var options = Bind(Config(
            ("KafkaConnector:All:bootstrap.servers", "a:1"),
            ("KafkaConnector:All:log_level", "7"),
            ("KafkaConnector:Consumer:auto_offset_reset", "earliest")));
        var factory = new KafkaClientFactory(Options.Create(options), Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance, null!);

        var producer = factory.CreateProducerConfig();
        var consumer = factory.CreateConsumerConfig("g");

        Assert.Equal("7", producer.Get("log_level"));
        Assert.Null(producer.Get("log.level"));
        Assert.Equal(Confluent.Kafka.AutoOffsetReset.Earliest, consumer.AutoOffsetReset);
        Assert.True(new KafkaConnectorOptionsValidator().Validate(null, options).Succeeded);
    }

    [Fact]
    public void ConfigurationSectionItself_CanBePassed()
    {
        var root = Config(("KafkaConnector:All:bootstrap.servers", "x:1"));

        var options = Bind(root.GetSection("KafkaConnector"));

        Assert.Equal("x:1", options.All["bootstrap.servers"]);
    }

    [Fact]
    public async Task HostStart_WithInvalidOptions_FailsWithKeyAndValue()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection([
            new("KafkaConnector:All:bootstrap.servers", "localhost:9092"),
            new("KafkaConnector:Producer:lingr.ms", "5"),
            new("KafkaConnector:Producer:acks", "most"),
        ]);
        builder.Services.AddKafkaConnector(builder.Configuration);
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("KafkaConnector:Producer:lingr.ms = '***'", error.Message, StringComparison.Ordinal); // unknown: might be a misspelt secret
        Assert.Contains("No such configuration property", error.Message, StringComparison.Ordinal);
        Assert.Contains("KafkaConnector:Producer:acks = 'most'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddKafkaConnector_Twice_RegistersOnce()
    {
        var services = new ServiceCollection();
        services.AddKafkaConnector(o => o.All["bootstrap.servers"] = "a:1");
        services.AddKafkaConnector(o => (o.Layer, o.NodeId) = ("l", "n"));

        Assert.Single(services, d => d.ServiceType == typeof(IKafkaConnectorSystemApi));
        // One hosted service owns the system API, the dispatcher and membership.
        Assert.Single(services, d => d.ServiceType == typeof(IHostedService));
        var options = services.BuildServiceProvider().GetRequiredService<IOptions<KafkaConnectorOptions>>().Value;
        Assert.Equal("a:1", options.All["bootstrap.servers"]);
        Assert.Equal("l", options.Layer);
    }
}

/// <summary>Sets a process-wide environment variable, so it runs alone.</summary>
[Collection(SerialTests.Name)]
public sealed class KafkaBootstrapServersVariableTests
{
    private static KafkaClientFactory Factory(KafkaConnectorOptions options) =>
        new(Options.Create(options), Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance, null!);

    private static T WithVariable<T>(string value, Func<T> action)
    {
        var previous = Environment.GetEnvironmentVariable(KafkaConnectorServiceCollectionExtensions.BootstrapServersVariable);
        Environment.SetEnvironmentVariable(KafkaConnectorServiceCollectionExtensions.BootstrapServersVariable, value);
        try
        {
            return action();
        }
        finally
        {
            Environment.SetEnvironmentVariable(KafkaConnectorServiceCollectionExtensions.BootstrapServersVariable, previous);
        }
    }

    [Fact]
    public void EnvironmentVariable_FillsBootstrapServers_OnlyWhenConfigurationHasNone()
    {
        var (unset, set) = WithVariable("from-env:9092", () =>
        {
            var unset = new ServiceCollection();
            unset.AddKafkaConnector(o => o.ProduceQueueFullTimeout = TimeSpan.FromSeconds(1));
            var set = new ServiceCollection();
            set.AddKafkaConnector(o => o.All["bootstrap.servers"] = "explicit:1");
            return (
                unset.BuildServiceProvider().GetRequiredService<IOptions<KafkaConnectorOptions>>().Value,
                set.BuildServiceProvider().GetRequiredService<IOptions<KafkaConnectorOptions>>().Value);
        });

        Assert.Equal("from-env:9092", unset.All["bootstrap.servers"]);
        Assert.Equal("explicit:1", set.All["bootstrap.servers"]);
    }

    [Fact]
    public void EnvironmentVariable_WithOnlyProducerBootstrapServers_FillsAll_AndStartUpValidationPasses()
    {
        // Resolving the options runs start-up validation, which failed here and asked for the variable that was set.
        var options = WithVariable(" from-env:9092 ", () =>
        {
            var services = new ServiceCollection();
            services.AddKafkaConnector(o => o.Producer["bootstrap.servers"] = "producer:1");
            return services.BuildServiceProvider().GetRequiredService<IOptions<KafkaConnectorOptions>>().Value;
        });

        Assert.Equal("from-env:9092", options.All["bootstrap.servers"]);
        Assert.Equal("producer:1", Factory(options).CreateProducerConfig().BootstrapServers);
        Assert.Equal("from-env:9092", Factory(options).CreateConsumerConfig("g").BootstrapServers);
        Assert.Equal("from-env:9092", Factory(options).CreateAdminConfig().BootstrapServers);
    }

    [Theory]
    [InlineData("Producer")]
    [InlineData("Consumer")]
    [InlineData("Admin")]
    public void Fallback_FillsAll_WhenOnlyASpecificSectionSetsIt_WhichStillWinsForItsClients(string section)
    {
        var options = new KafkaConnectorOptions();
        var specific = section switch { "Producer" => options.Producer, "Consumer" => options.Consumer, _ => options.Admin };
        specific["bootstrap.servers"] = "specific:1";

        KafkaConnectorServiceCollectionExtensions.ApplyBootstrapServersFallback(options, "env:1");

        var factory = Factory(options);
        Assert.Equal("env:1", options.All["bootstrap.servers"]);
        Assert.Equal(section == "Producer" ? "specific:1" : "env:1", factory.CreateProducerConfig().BootstrapServers);
        Assert.Equal(section == "Consumer" ? "specific:1" : "env:1", factory.CreateConsumerConfig("g").BootstrapServers);
        Assert.Equal(section == "Admin" ? "specific:1" : "env:1", factory.CreateAdminConfig().BootstrapServers);
    }

    [Fact]
    public void Fallback_ReplacesABlankValueInAll_ButNeverAFilledOne()
    {
        var blank = new KafkaConnectorOptions();
        blank.All["bootstrap_servers"] = " ";
        var filled = new KafkaConnectorOptions();
        filled.All["bootstrap_servers"] = "configured:1";

        KafkaConnectorServiceCollectionExtensions.ApplyBootstrapServersFallback(blank, "env:1");
        KafkaConnectorServiceCollectionExtensions.ApplyBootstrapServersFallback(filled, "env:1");

        Assert.Equal("env:1", Factory(blank).CreateConsumerConfig("g").BootstrapServers);
        Assert.Equal("configured:1", Factory(filled).CreateConsumerConfig("g").BootstrapServers);
        Assert.False(filled.All.ContainsKey("bootstrap.servers"));
    }
}
