using System.Text;
using System.Text.Json;
using Confluent.Kafka;

namespace KafkaConnector.Messages;

/// <summary>
/// A Kafka record as the connector sends and receives it: topic, key and value bytes, headers
/// and, optionally, a partition. On receipt <see cref="Partition"/>, <see cref="Offset"/> and
/// <see cref="Timestamp"/> tell where and when it was written. Bytes are not copied.
/// </summary>
public sealed class KafkaMessage
{
    private Headers? _headers;

    /// <summary>Creates a message for <paramref name="topic"/>.</summary>
    /// <param name="topic">The topic; checked when the message is produced.</param>
    /// <param name="key">The key (null: no key; the partitioner then spreads messages).</param>
    /// <param name="value">The payload (null: a tombstone).</param>
    public KafkaMessage(string topic, byte[]? key, byte[]? value)
    {
        ArgumentNullException.ThrowIfNull(topic);
        Topic = topic;
        Key = key;
        Value = value;
    }

    /// <summary>The topic.</summary>
    public string Topic { get; }

    /// <summary>The key bytes, or null.</summary>
    public byte[]? Key { get; }

    /// <summary>The payload bytes, or null.</summary>
    public byte[]? Value { get; }

    /// <summary>
    /// On produce, the partition to write to (null: the partitioner chooses from the key).
    /// On receipt, the partition it was read from.
    /// </summary>
    public int? Partition { get; init; }

    /// <summary>
    /// On receipt, the offset within its partition; null on a message to produce. A delivery
    /// result keeps the message as given, so where it was written is
    /// <see cref="KafkaDeliveryResult.Offset"/>.
    /// </summary>
    public long? Offset { get; init; }

    /// <summary>On produce, the timestamp to write (null: now). On receipt, the record's timestamp.</summary>
    public DateTimeOffset? Timestamp { get; init; }

    /// <summary>Headers, created on first use.</summary>
    public Headers Headers
    {
        get => _headers ??= [];
        init => _headers = value;
    }

    /// <summary>Whether the message has headers, without creating the collection.</summary>
    public bool HasHeaders => _headers is { Count: > 0 };

    /// <summary>A message whose key and value are UTF-8 text.</summary>
    public static KafkaMessage FromText(string topic, string? key, string? value) =>
        new(topic, key is null ? null : Encoding.UTF8.GetBytes(key), value is null ? null : Encoding.UTF8.GetBytes(value));

    /// <summary>
    /// A message whose key is UTF-8 text and whose value is <paramref name="value"/> as JSON
    /// (System.Text.Json; <see cref="JsonSerializerOptions.Web"/> unless <paramref name="options"/> say otherwise).
    /// </summary>
    public static KafkaMessage FromJson<T>(string topic, string? key, T value, JsonSerializerOptions? options = null) =>
        new(topic, key is null ? null : Encoding.UTF8.GetBytes(key), JsonSerializer.SerializeToUtf8Bytes(value, options ?? JsonSerializerOptions.Web));

    /// <summary>The key as UTF-8 text, or null.</summary>
    public string? KeyAsString() => Key is null ? null : Encoding.UTF8.GetString(Key);

    /// <summary>The value as UTF-8 text, or null.</summary>
    public string? ValueAsString() => Value is null ? null : Encoding.UTF8.GetString(Value);

    /// <summary>The value read as JSON (<see cref="JsonSerializerOptions.Web"/> unless <paramref name="options"/> say otherwise: camelCase, case-insensitive).</summary>
    /// <exception cref="JsonException">The value is not JSON for <typeparamref name="T"/>; the message names the topic, partition and offset.</exception>
    public T? ValueFromJson<T>(JsonSerializerOptions? options = null)
    {
        if (Value is null)
        {
            return default;
        }

        try
        {
            return JsonSerializer.Deserialize<T>(Value, options ?? JsonSerializerOptions.Web);
        }
        catch (JsonException e)
        {
            throw new JsonException($"The value of the message at {Topic}[{Partition}]@{Offset} is not JSON for {typeof(T).Name}: {e.Message}", e);
        }
    }

    /// <summary>
    /// The last header named <paramref name="name"/> as UTF-8 text, or null: as in Kafka, a later
    /// header of the same name wins.
    /// </summary>
    public string? HeaderAsString(string name) =>
        _headers is not null && _headers.TryGetLastBytes(name, out var bytes) ? Encoding.UTF8.GetString(bytes) : null;

    /// <inheritdoc />
    public override string ToString() =>
        $"{Topic}[{Partition?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "any"}]@{Offset?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"} key={Key?.Length ?? 0} B value={Value?.Length ?? 0} B";

    /// <remarks>A record without headers gets no collection until one is asked for (<see cref="Headers"/>): most records have none.</remarks>
    internal static KafkaMessage FromConsumeResult(ConsumeResult<byte[], byte[]> result) => new(result.Topic, result.Message.Key, result.Message.Value)
    {
        Partition = result.Partition.Value,
        Offset = result.Offset.Value,
        Timestamp = result.Message.Timestamp.UnixTimestampMs == 0 && result.Message.Timestamp.Type == TimestampType.NotAvailable
            ? null
            : DateTimeOffset.FromUnixTimeMilliseconds(result.Message.Timestamp.UnixTimestampMs),
        _headers = result.Message.Headers,
    };

    internal Message<byte[], byte[]> ToConfluentMessage() => new()
    {
        Key = Key!,
        Value = Value!,
        Headers = _headers,
        Timestamp = Timestamp is { } t ? new Confluent.Kafka.Timestamp(t) : Confluent.Kafka.Timestamp.Default,
    };
}
