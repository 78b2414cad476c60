using System.Globalization;
using KafkaConnector.Connect;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace KafkaConnector.Connect.Tests;

public sealed class KafkaConnectOptionsTests
{
    [Fact]
    public void Options_are_bound_from_the_Connect_section_of_the_connector_configuration()
    {
        var configuration = ConnectTestServices.Section("KafkaConnector", ("KafkaConnector:Connect:Url", "http://connect:8083"), ("KafkaConnector:Connect:Timeout", "00:00:05"));
        using var services = ConnectTestServices.Build(configuration: configuration);

        var options = services.GetRequiredService<IOptions<KafkaConnectOptions>>().Value;

        Assert.Equal("http://connect:8083", options.Url);
        Assert.Equal(TimeSpan.FromSeconds(5), options.Timeout);
    }

    [Fact]
    public void Timeout_defaults_to_thirty_seconds()
    {
        var configuration = ConnectTestServices.Section("KafkaConnector", ("KafkaConnector:Connect:Url", "http://connect:8083"));
        using var services = ConnectTestServices.Build(configuration: configuration);

        Assert.Equal(TimeSpan.FromSeconds(30), services.GetRequiredService<IOptions<KafkaConnectOptions>>().Value.Timeout);
    }

    [Fact]
    public void Configuring_in_code_overrides_the_configuration()
    {
        var configuration = ConnectTestServices.Section("KafkaConnector", ("KafkaConnector:Connect:Url", "http://connect:8083"));
        using var services = ConnectTestServices.Build(options => options.Url = "https://other:8443", configuration);

        Assert.Equal("https://other:8443", services.GetRequiredService<IOptions<KafkaConnectOptions>>().Value.Url);
    }

    [Fact]
    public void A_missing_url_fails_naming_the_key()
    {
        using var services = ConnectTestServices.Build(configuration: ConnectTestServices.Section("KafkaConnector"));

        var exception = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<KafkaConnectOptions>>().Value);

        Assert.Contains("KafkaConnector:Connect:Url is required", exception.Message, StringComparison.Ordinal);
        Assert.Contains("it is not set", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("localhost:8083")]
    [InlineData("ftp://connect:8083")]
    [InlineData("/connectors")]
    public void A_url_that_is_not_absolute_http_or_https_fails_naming_the_key_and_the_value(string url)
    {
        var exception = ValidationFailure(options => options.Url = url);

        Assert.Contains("KafkaConnector:Connect:Url must be an absolute http or https URL", exception.Message, StringComparison.Ordinal);
        Assert.Contains($"the value is '{url}'", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_invalid_url_is_reported_without_its_password()
    {
        var exception = ValidationFailure(options => options.Url = "admin:s3cret@localhost:8083");

        Assert.Contains("'***@localhost:8083'", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("-00:00:01")]
    public void A_timeout_that_is_not_positive_fails_naming_the_key_and_the_value(string timeout)
    {
        var exception = ValidationFailure(options =>
        {
            options.Url = "http://connect:8083";
            options.Timeout = TimeSpan.Parse(timeout, CultureInfo.InvariantCulture);
        });

        Assert.Contains("KafkaConnector:Connect:Timeout must be greater than zero", exception.Message, StringComparison.Ordinal);
        Assert.Contains($"the value is '{timeout}'", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Messages_name_the_key_under_the_section_the_connector_was_bound_from()
    {
        var configuration = ConnectTestServices.Section("Messaging:Kafka", ("Messaging:Kafka:Connect:Url", "localhost:8083"));
        using var services = ConnectTestServices.Build(configuration: configuration);

        var exception = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<KafkaConnectOptions>>().Value);

        Assert.Contains("Messaging:Kafka:Connect:Url", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_options_stop_start_up()
    {
        using var services = ConnectTestServices.Build(options => options.Url = "localhost:8083");

        var exception = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("KafkaConnector:Connect:Url", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Adding_twice_registers_the_client_once()
    {
        using var services = ConnectTestServices.Build(
            options => options.Url = "http://connect:8083",
            services: collection => new TestConnectorBuilder(collection).AddKafkaConnect().AddKafkaConnect());

        Assert.Single(services.GetServices<IKafkaConnectClient>());
        Assert.Single(services.GetServices<IValidateOptions<KafkaConnectOptions>>());
        Assert.Equal("http://connect:8083", services.GetRequiredService<IOptions<KafkaConnectOptions>>().Value.Url);
    }

    [Fact]
    public void AddKafkaConnect_after_AddKafkaConnector_binds_the_Connect_section_of_the_application_configuration()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["KafkaConnector:Connect:Url"] = "http://connect:8083",
                ["KafkaConnector:Connect:Timeout"] = "00:00:07",
            })
            .Build();
        var services = new ServiceCollection();

        services.AddKafkaConnector(configuration).AddKafkaConnect();

        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<KafkaConnectOptions>>().Value;
        Assert.Equal("http://connect:8083", options.Url);
        Assert.Equal(TimeSpan.FromSeconds(7), options.Timeout);
        Assert.NotNull(provider.GetRequiredService<IKafkaConnectClient>());
    }

    [Fact]
    public void AddKafkaConnect_after_AddKafkaConnector_names_the_full_key_of_an_invalid_value()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["KafkaConnector:Connect:Url"] = "localhost:8083" })
            .Build();
        var services = new ServiceCollection();
        services.AddKafkaConnector(configuration).AddKafkaConnect();
        using var provider = services.BuildServiceProvider();

        var exception = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<KafkaConnectOptions>>().Value);

        Assert.Contains("KafkaConnector:Connect:Url must be an absolute http or https URL", exception.Message, StringComparison.Ordinal);
        Assert.Contains("the value is 'localhost:8083'", exception.Message, StringComparison.Ordinal);
    }

    private static OptionsValidationException ValidationFailure(Action<KafkaConnectOptions> configure)
    {
        using var services = ConnectTestServices.Build(configure);
        return Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<KafkaConnectOptions>>().Value);
    }
}
