using System.Text.Json.Serialization;

namespace KafkaConnector.Connect;

/// <summary>The body of every Connect REST error: <c>{"error_code": 409, "message": "..."}</c>.</summary>
internal sealed record KafkaConnectErrorBody(
    [property: JsonPropertyName("error_code")] int ErrorCode,
    [property: JsonPropertyName("message")] string? Message);

/// <summary>The body of <c>POST /connectors</c>.</summary>
internal sealed record KafkaConnectCreateRequest(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("config")] IReadOnlyDictionary<string, string> Config);

/// <summary>Source-generated JSON for the Connect REST contract: no reflection at run time.</summary>
[JsonSerializable(typeof(KafkaConnectConnectorInfo))]
[JsonSerializable(typeof(KafkaConnectConnectorStatus))]
[JsonSerializable(typeof(KafkaConnectErrorBody))]
[JsonSerializable(typeof(KafkaConnectCreateRequest))]
[JsonSerializable(typeof(IReadOnlyDictionary<string, string>))]
[JsonSerializable(typeof(IReadOnlyList<string>))]
internal sealed partial class KafkaConnectJsonContext : JsonSerializerContext;
