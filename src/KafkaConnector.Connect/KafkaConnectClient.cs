using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KafkaConnector.Connect;

/// <summary>
/// <see cref="IKafkaConnectClient"/> over the typed <see cref="HttpClient"/> that <c>AddKafkaConnect</c> registers.
/// Contract: Apache Kafka's <c>ConnectorsResource</c> (see <c>docs/kafka-connect.md</c>).
/// </summary>
internal sealed class KafkaConnectClient : IKafkaConnectClient
{
    private const int MaxBodyExcerpt = 200;

    private readonly HttpClient _http;
    private readonly KafkaConnectSection _section;
    private readonly ILogger _logger;
    private readonly IKafkaConnectTopicDeleter? _topicDeleter;

    public KafkaConnectClient(
        HttpClient http,
        KafkaConnectSection section,
        ILogger<KafkaConnectClient> logger,
        IKafkaConnectTopicDeleter? topicDeleter = null)
    {
        _http = http;
        _section = section;
        _logger = logger;
        _topicDeleter = topicDeleter;
    }

    /// <summary>Points the typed client at the configured worker; the options have been validated by then.</summary>
    internal static void ConfigureHttpClient(HttpClient http, IOptions<KafkaConnectOptions> options)
    {
        var value = options.Value;
        if (!KafkaConnectOptionsValidator.TryParse(value.Url, out var url))
        {
            throw new InvalidOperationException("KafkaConnectOptions.Url was not validated.");
        }

        http.BaseAddress = KafkaConnectUrl.BaseAddress(url);
        http.DefaultRequestHeaders.Authorization = KafkaConnectUrl.BasicAuthentication(url);
        http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        http.Timeout = value.Timeout;
    }

    public Task<IReadOnlyList<string>> ListConnectorsAsync(CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, "connectors", null, KafkaConnectJsonContext.Default.IReadOnlyListString,
            "list connectors", null, cancellationToken);

    public Task<KafkaConnectConnectorInfo> CreateConnectorAsync(
        string name,
        IReadOnlyDictionary<string, string> config,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(config);
        var body = JsonContent.Create(new KafkaConnectCreateRequest(name, config), KafkaConnectJsonContext.Default.KafkaConnectCreateRequest);
        return SendAsync(HttpMethod.Post, "connectors", body, KafkaConnectJsonContext.Default.KafkaConnectConnectorInfo,
            "create connector", name, cancellationToken);
    }

    public Task<KafkaConnectConnectorInfo> GetConnectorAsync(string name, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, ConnectorPath(name), null, KafkaConnectJsonContext.Default.KafkaConnectConnectorInfo,
            "get connector", name, cancellationToken);

    public Task<KafkaConnectConnectorInfo> UpdateConnectorConfigAsync(
        string name,
        IReadOnlyDictionary<string, string> config,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        var path = ConnectorPath(name, "config");
        var body = JsonContent.Create(config, KafkaConnectJsonContext.Default.IReadOnlyDictionaryStringString);
        return SendAsync(HttpMethod.Put, path, body, KafkaConnectJsonContext.Default.KafkaConnectConnectorInfo,
            "update config of connector", name, cancellationToken);
    }

    public async Task DeleteConnectorAsync(string name, bool deleteTopics = false, CancellationToken cancellationToken = default)
    {
        var path = ConnectorPath(name);
        IReadOnlyList<string> topics = [];
        if (deleteTopics)
        {
            // Everything that can stop the topic deletion is checked before the connector is gone.
            if (_topicDeleter is null)
            {
                throw new InvalidOperationException(
                    $"Deleting the topics of Kafka Connect connector '{name}' needs an {nameof(IKafkaConnectTopicDeleter)} " +
                    "in the service collection and none is registered; nothing was deleted.");
            }

            var config = await SendAsync(HttpMethod.Get, ConnectorPath(name, "config"), null,
                KafkaConnectJsonContext.Default.IReadOnlyDictionaryStringString, "get config of connector", name,
                cancellationToken).ConfigureAwait(false);
            topics = TopicsOf(config);
            if (topics.Count == 0)
            {
                throw new InvalidOperationException(
                    $"Kafka Connect connector '{name}' names no topic in its 'topic' or 'topics' configuration, " +
                    "so its topics cannot be deleted; nothing was deleted.");
            }
        }

        await SendWithoutAnswerAsync(HttpMethod.Delete, path, "delete connector", name, cancellationToken).ConfigureAwait(false);

        foreach (var topic in topics)
        {
            _logger.DeletingConnectorTopic(topic, name);
            await _topicDeleter!.DeleteTopicAsync(topic, cancellationToken).ConfigureAwait(false);
        }
    }

    public Task<KafkaConnectConnectorStatus> GetConnectorStatusAsync(string name, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, ConnectorPath(name, "status"), null, KafkaConnectJsonContext.Default.KafkaConnectConnectorStatus,
            "get status of connector", name, cancellationToken);

    public Task PauseConnectorAsync(string name, CancellationToken cancellationToken = default) =>
        SendWithoutAnswerAsync(HttpMethod.Put, ConnectorPath(name, "pause"), "pause connector", name, cancellationToken);

    public Task ResumeConnectorAsync(string name, CancellationToken cancellationToken = default) =>
        SendWithoutAnswerAsync(HttpMethod.Put, ConnectorPath(name, "resume"), "resume connector", name, cancellationToken);

    public async Task<KafkaConnectConnectorStatus?> RestartConnectorAsync(
        string name,
        bool includeTasks = false,
        bool onlyFailed = false,
        CancellationToken cancellationToken = default)
    {
        var path = ConnectorPath(name, "restart");
        if (includeTasks || onlyFailed)
        {
            path += $"?includeTasks={(includeTasks ? "true" : "false")}&onlyFailed={(onlyFailed ? "true" : "false")}";
        }

        const string operation = "restart connector";
        using var response = await SendAsync(HttpMethod.Post, path, null, operation, name, cancellationToken).ConfigureAwait(false);

        // 202 carries the instances being restarted; 204 (200 before Kafka 3.0) restarted only the connector and has no body.
        return response.StatusCode == HttpStatusCode.Accepted
            ? await ReadAsync(response, KafkaConnectJsonContext.Default.KafkaConnectConnectorStatus, operation, name, cancellationToken).ConfigureAwait(false)
            : null;
    }

    /// <summary>The topics a connector names: <c>topic</c> (source connectors) and <c>topics</c> (sink connectors, comma-separated).</summary>
    internal static IReadOnlyList<string> TopicsOf(IReadOnlyDictionary<string, string> config)
    {
        var topics = new List<string>();
        foreach (var key in (ReadOnlySpan<string>)["topic", "topics"])
        {
            if (config.TryGetValue(key, out var value))
            {
                topics.AddRange(value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
            }
        }

        return topics.Distinct(StringComparer.Ordinal).ToList();
    }

    private static string ConnectorPath(string name, string? action = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var path = "connectors/" + Uri.EscapeDataString(name);
        return action is null ? path : $"{path}/{action}";
    }

    private static string Failure(string operation, string? connector) =>
        connector is null ? $"Kafka Connect could not {operation}" : $"Kafka Connect could not {operation} '{connector}'";

    private async Task SendWithoutAnswerAsync(HttpMethod method, string path, string operation, string connector, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(method, path, null, operation, connector, cancellationToken).ConfigureAwait(false);
    }

    private async Task<T> SendAsync<T>(
        HttpMethod method,
        string path,
        HttpContent? content,
        JsonTypeInfo<T> answer,
        string operation,
        string? connector,
        CancellationToken cancellationToken)
    {
        using var response = await SendAsync(method, path, content, operation, connector, cancellationToken).ConfigureAwait(false);
        return await ReadAsync(response, answer, operation, connector, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends one request and returns the response when it succeeded; every failure becomes a <see cref="KafkaConnectException"/>.</summary>
    private async Task<HttpResponseMessage> SendAsync(
        HttpMethod method,
        string path,
        HttpContent? content,
        string operation,
        string? connector,
        CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = content };
        var started = Stopwatch.GetTimestamp();
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException exception) when (!cancellationToken.IsCancellationRequested)
        {
            // HttpClient.Timeout cancels without cancelling the caller's token.
            var timeoutKey = _section.Key(nameof(KafkaConnectOptions.Timeout));
            _logger.RequestTimedOut(operation, method.Method, path, _http.Timeout, timeoutKey);
            throw new KafkaConnectException(
                $"{Failure(operation, connector)}: {method.Method} {path} timed out after {_http.Timeout:c} ({timeoutKey}).",
                operation, connector, statusCode: null, errorCode: null, exception);
        }
        catch (HttpRequestException exception)
        {
            var worker = KafkaConnectUrl.Redact(_http.BaseAddress?.ToString());
            _logger.RequestUnreachable(exception, operation, method.Method, path, worker);
            throw new KafkaConnectException(
                $"{Failure(operation, connector)}: {method.Method} {path} to {worker} failed before an answer: {exception.Message}",
                operation, connector, statusCode: null, errorCode: null, exception);
        }

        var status = (int)response.StatusCode;
        var elapsed = Stopwatch.GetElapsedTime(started);
        _logger.RequestCompleted(method.Method, path, status, elapsed.TotalMilliseconds);
        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            var error = ParseError(body);
            _logger.RequestFailed(operation, method.Method, path, status, error?.ErrorCode);
            var detail = error is not null ? $"error_code {error.ErrorCode}: {error.Message}"
                : body.Length == 0 ? "no body"
                : $"not Connect's JSON error: {Excerpt(body)}";
            var message = $"{Failure(operation, connector)}: {method.Method} {path} answered {status} {response.ReasonPhrase} ({detail}).";
            throw response.StatusCode switch
            {
                HttpStatusCode.NotFound => new KafkaConnectConnectorNotFoundException(message, operation, connector, error?.ErrorCode),
                HttpStatusCode.Conflict => new KafkaConnectConflictException(message, operation, connector, error?.ErrorCode),
                _ => new KafkaConnectException(message, operation, connector, response.StatusCode, error?.ErrorCode),
            };
        }
    }

    private static async Task<T> ReadAsync<T>(
        HttpResponseMessage response,
        JsonTypeInfo<T> answer,
        string operation,
        string? connector,
        CancellationToken cancellationToken)
    {
        JsonException? invalid = null;
        try
        {
            var value = await response.Content.ReadFromJsonAsync(answer, cancellationToken).ConfigureAwait(false);
            if (value is not null)
            {
                return value;
            }
        }
        catch (JsonException exception)
        {
            invalid = exception;
        }

        var message = $"{Failure(operation, connector)}: the worker answered {(int)response.StatusCode} without the expected JSON body.";
        throw new KafkaConnectException(message, operation, connector, response.StatusCode, errorCode: null, invalid);
    }

    /// <summary>Connect's error body, or null when the body is something else (a proxy's HTML page, plain text).</summary>
    private static KafkaConnectErrorBody? ParseError(string body)
    {
        try
        {
            var error = JsonSerializer.Deserialize(body, KafkaConnectJsonContext.Default.KafkaConnectErrorBody);
            return error?.Message is null ? null : error;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Excerpt(string body)
    {
        var oneLine = string.Join(' ', body.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return oneLine.Length <= MaxBodyExcerpt ? oneLine : string.Concat(oneLine.AsSpan(0, MaxBodyExcerpt), "…");
    }
}
