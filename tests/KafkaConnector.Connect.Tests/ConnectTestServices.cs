using System.Collections.Concurrent;
using KafkaConnector.Connect;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KafkaConnector.Connect.Tests;

/// <summary>Builds the services the way an application does, through <c>AddKafkaConnect</c> on a connector builder.</summary>
internal static class ConnectTestServices
{
    public static ServiceProvider Build(
        Action<KafkaConnectOptions>? configure = null,
        IConfiguration? configuration = null,
        LogCapture? logs = null,
        Action<IServiceCollection>? services = null)
    {
        var collection = new ServiceCollection();
        collection.AddLogging(logging =>
        {
            logging.SetMinimumLevel(LogLevel.Debug);
            if (logs is not null)
            {
                logging.AddProvider(logs);
            }
        });
        var builder = new TestConnectorBuilder(collection, configuration);
        if (configure is null)
        {
            builder.AddKafkaConnect();
        }
        else
        {
            builder.AddKafkaConnect(configure);
        }

        services?.Invoke(collection);
        return collection.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    /// <summary>The KafkaConnector section of a configuration made of <paramref name="values"/>.</summary>
    public static IConfigurationSection Section(string path, params (string Key, string? Value)[] values) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(pair => KeyValuePair.Create(pair.Key, pair.Value)))
            .Build()
            .GetSection(path);
}

/// <summary>A stand-in for the builder <c>AddKafkaConnector</c> returns.</summary>
internal sealed class TestConnectorBuilder(IServiceCollection services, IConfiguration? configuration = null) : IKafkaConnectorBuilder
{
    public IServiceCollection Services { get; } = services;

    public IConfiguration? Configuration { get; } = configuration;
}

/// <summary>Keeps every log entry written, with its event id and formatted message.</summary>
internal sealed class LogCapture : ILoggerProvider
{
    public ConcurrentQueue<(string Category, LogLevel Level, EventId EventId, string Message, Exception? Exception)> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(LogCapture capture, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            capture.Entries.Enqueue((category, logLevel, eventId, formatter(state, exception), exception));
    }
}

/// <summary>Records the topics it was asked to delete.</summary>
internal sealed class RecordingTopicDeleter : IKafkaConnectTopicDeleter
{
    public ConcurrentQueue<string> Deleted { get; } = new();

    public Task DeleteTopicAsync(string topic, CancellationToken cancellationToken)
    {
        Deleted.Enqueue(topic);
        return Task.CompletedTask;
    }
}

/// <summary>A fake worker and a client pointed at it, one pair per test.</summary>
public abstract class ConnectTestBase : IAsyncLifetime
{
    private ServiceProvider? _services;

    internal FakeConnectWorker Worker { get; private set; } = null!;

    internal LogCapture Logs { get; } = new();

    internal IKafkaConnectClient Client { get; private set; } = null!;

    protected static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        Worker = await FakeConnectWorker.StartAsync(Cancellation);
        _services = BuildServices();
        Client = _services.GetRequiredService<IKafkaConnectClient>();
    }

    public async ValueTask DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }

        await Worker.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>The services for the test's client; override to change options or add services.</summary>
    internal virtual ServiceProvider BuildServices() =>
        ConnectTestServices.Build(options => options.Url = Worker.Url.ToString(), logs: Logs);

    /// <summary>Awaits the operation, failing the test rather than hanging when it never completes.</summary>
    protected static Task<TException> ThrowsAsync<TException>(Func<Task> operation)
        where TException : Exception =>
        Assert.ThrowsAsync<TException>(() => operation().WaitAsync(TimeSpan.FromSeconds(30), Cancellation));
}
