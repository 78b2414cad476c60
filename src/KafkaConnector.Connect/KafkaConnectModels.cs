using System.Text.Json.Serialization;

namespace KafkaConnector.Connect;

/// <summary>A connector as Connect describes it (<c>GET /connectors/{name}</c>).</summary>
public sealed record KafkaConnectConnectorInfo
{
    /// <summary>The connector's name.</summary>
    [JsonPropertyName("name")]
    public string Name { get; init; } = string.Empty;

    /// <summary>The connector's configuration as Connect stores it, including <c>name</c>. Values may be secrets.</summary>
    [JsonPropertyName("config")]
    public IReadOnlyDictionary<string, string> Config { get; init; } = new Dictionary<string, string>();

    /// <summary>The connector's tasks; empty until the worker has started them.</summary>
    [JsonPropertyName("tasks")]
    public IReadOnlyList<KafkaConnectTaskId> Tasks { get; init; } = [];

    /// <summary><c>source</c>, <c>sink</c> or <c>unknown</c>; null from workers too old to report it.</summary>
    [JsonPropertyName("type")]
    public string? Type { get; init; }
}

/// <summary>Identifies one task of a connector.</summary>
public sealed record KafkaConnectTaskId
{
    /// <summary>The connector the task belongs to.</summary>
    [JsonPropertyName("connector")]
    public string Connector { get; init; } = string.Empty;

    /// <summary>The task's number within the connector, from 0.</summary>
    [JsonPropertyName("task")]
    public int Task { get; init; }
}

/// <summary>The runtime state of a connector and its tasks (<c>GET /connectors/{name}/status</c>).</summary>
public sealed record KafkaConnectConnectorStatus
{
    /// <summary>The connector's name.</summary>
    [JsonPropertyName("name")]
    public string Name { get; init; } = string.Empty;

    /// <summary>The state of the connector instance itself.</summary>
    [JsonPropertyName("connector")]
    public KafkaConnectConnectorState Connector { get; init; } = new();

    /// <summary>The state of each task, by task id.</summary>
    [JsonPropertyName("tasks")]
    public IReadOnlyList<KafkaConnectTaskState> Tasks { get; init; } = [];

    /// <summary><c>source</c>, <c>sink</c> or <c>unknown</c>; null from workers too old to report it.</summary>
    [JsonPropertyName("type")]
    public string? Type { get; init; }
}

/// <summary>What Connect reports for one running instance, a connector or a task.</summary>
public abstract record KafkaConnectInstanceState
{
    /// <summary>
    /// <c>UNASSIGNED</c>, <c>RUNNING</c>, <c>PAUSED</c>, <c>STOPPED</c>, <c>FAILED</c> or <c>RESTARTING</c>
    /// (the last one only in the answer to a restart).
    /// </summary>
    [JsonPropertyName("state")]
    public string State { get; init; } = string.Empty;

    /// <summary>The worker running the instance, as <c>host:port</c>.</summary>
    [JsonPropertyName("worker_id")]
    public string? WorkerId { get; init; }

    /// <summary>The stack trace of the failure when <see cref="State"/> is <c>FAILED</c>; otherwise null.</summary>
    [JsonPropertyName("trace")]
    public string? Trace { get; init; }
}

/// <summary>The state of a connector instance.</summary>
public sealed record KafkaConnectConnectorState : KafkaConnectInstanceState;

/// <summary>The state of one task of a connector.</summary>
public sealed record KafkaConnectTaskState : KafkaConnectInstanceState
{
    /// <summary>The task's number within the connector, from 0.</summary>
    [JsonPropertyName("id")]
    public int Id { get; init; }
}
