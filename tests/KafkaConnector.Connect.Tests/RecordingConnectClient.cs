using System.Collections.Concurrent;
using KafkaConnector.Connect;

namespace KafkaConnector.Connect.Tests;

/// <summary>A Kafka Connect client that records each call as <c>Method(name)</c> and answers with a connector whose config names <see cref="Topics"/>.</summary>
internal sealed class RecordingConnectClient : IKafkaConnectClient
{
    public ConcurrentQueue<string> Calls { get; } = new();

    public string Topics { get; set; } = "orders";

    public Task<IReadOnlyList<string>> ListConnectorsAsync(CancellationToken cancellationToken = default) =>
        Record<IReadOnlyList<string>>(nameof(ListConnectorsAsync), "*", []);

    public Task<KafkaConnectConnectorInfo> CreateConnectorAsync(string name, IReadOnlyDictionary<string, string> config, CancellationToken cancellationToken = default) =>
        Record(nameof(CreateConnectorAsync), name, Info(name));

    public Task<KafkaConnectConnectorInfo> GetConnectorAsync(string name, CancellationToken cancellationToken = default) =>
        Record(nameof(GetConnectorAsync), name, Info(name));

    public Task<KafkaConnectConnectorInfo> UpdateConnectorConfigAsync(string name, IReadOnlyDictionary<string, string> config, CancellationToken cancellationToken = default) =>
        Record(nameof(UpdateConnectorConfigAsync), name, Info(name));

    public Task DeleteConnectorAsync(string name, bool deleteTopics = false, CancellationToken cancellationToken = default) =>
        Record(nameof(DeleteConnectorAsync), name, true);

    public Task<KafkaConnectConnectorStatus> GetConnectorStatusAsync(string name, CancellationToken cancellationToken = default) =>
        Record(nameof(GetConnectorStatusAsync), name, new KafkaConnectConnectorStatus { Name = name });

    public Task PauseConnectorAsync(string name, CancellationToken cancellationToken = default) => Record(nameof(PauseConnectorAsync), name, true);

    public Task ResumeConnectorAsync(string name, CancellationToken cancellationToken = default) => Record(nameof(ResumeConnectorAsync), name, true);

    public Task<KafkaConnectConnectorStatus?> RestartConnectorAsync(string name, bool includeTasks = false, bool onlyFailed = false, CancellationToken cancellationToken = default) =>
        Record<KafkaConnectConnectorStatus?>(nameof(RestartConnectorAsync), name, null);

    private KafkaConnectConnectorInfo Info(string name) => new() { Name = name, Config = new Dictionary<string, string> { ["topics"] = Topics } };

    private Task<T> Record<T>(string method, string name, T result)
    {
        Calls.Enqueue($"{method}({name})");
        return Task.FromResult(result);
    }
}
