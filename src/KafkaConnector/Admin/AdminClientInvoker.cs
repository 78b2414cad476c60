using Confluent.Kafka;
using Confluent.Kafka.Admin;
using KafkaConnector.Configuration;
using Microsoft.Extensions.Logging;

namespace KafkaConnector.Admin;

/// <summary>
/// The admin side's one admin client (created on first use, disposed with the service provider)
/// and the way every admin request is made: awaited with the admin timeout, each failure turned
/// into a clear exception and logged (events 3100–3102).
/// </summary>
internal sealed class AdminClientInvoker(KafkaClientFactory clients, ILogger logger) : IDisposable
{
    /// <summary>librdkafka's default <c>socket.timeout.ms</c>, which also bounds admin requests.</summary>
    private const int DefaultTimeoutMs = 60_000;

    private readonly Lock _lock = new();
    private IAdminClient? _client;
    private bool _disposed;

    public ILogger Logger { get; } = logger;

    /// <summary>How long one admin request may take: the admin client's <c>socket.timeout.ms</c>.</summary>
    public TimeSpan Timeout { get; } = TimeSpan.FromMilliseconds(clients.CreateAdminConfig().SocketTimeoutMs ?? DefaultTimeoutMs);

    /// <summary>The admin client, or null while no request needed one.</summary>
    public IAdminClient? ClientIfCreated
    {
        get
        {
            lock (_lock)
            {
                return _client;
            }
        }
    }

    /// <summary>
    /// Whether <paramref name="error"/> means the broker does not serve the request at all rather
    /// than refusing this one: no such API (the mock cluster after a controller id is set), no
    /// controller to send it to (the mock cluster otherwise), or no authorizer for ACLs.
    /// </summary>
    public static bool IsNotSupported(Error error) =>
        error.Code is ErrorCode.Local_UnsupportedFeature or ErrorCode.UnsupportedVersion or ErrorCode.SecurityDisabled
        || (error.Code == ErrorCode.Local_TimedOut && error.Reason.Contains("waiting for controller", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Calls the admin client and turns every failure into a clear exception: the operation's own
    /// per-item report when <paramref name="perItem"/> recognises it, otherwise not supported or failed.
    /// </summary>
    public async Task<T> InvokeAsync<T>(string operation, Func<IAdminClient, Task<T>> call, Func<KafkaException, Exception?> perItem, CancellationToken cancellationToken)
    {
        var client = Client();
        try
        {
            return await call(client).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (KafkaException e)
        {
            if (perItem(e) is { } specific)
            {
                throw specific;
            }

            if (IsNotSupported(e.Error))
            {
                throw NotSupported(operation, e.Error, e);
            }

            throw Failed(operation, e.Error, $"{operation} failed: {e.Error.Code} ({e.Error.Reason}).", e);
        }
    }

    /// <summary>Runs a per-topic operation; per-topic failures become one <see cref="KafkaTopicOperationException"/> listing every topic.</summary>
    public Task<T> TopicOperationAsync<T>(
        string operation,
        IReadOnlyList<string> topics,
        Func<IAdminClient, Task<T>> call,
        Func<KafkaException, IEnumerable<(string Topic, Error Error)>?> reports,
        CancellationToken cancellationToken) =>
        InvokeAsync(operation, call, e => reports(e) is { } r ? TopicFailures(operation, topics, r, e) : null, cancellationToken);

    /// <summary>Describes topics (partitions, leaders, replicas); a topic that cannot be described fails the call, listing every topic's outcome.</summary>
    public Task<DescribeTopicsResult> DescribeTopicsAsync(IReadOnlyList<string> topics, CancellationToken cancellationToken) =>
        TopicOperationAsync(
            "DescribeTopics",
            topics,
            c => c.DescribeTopicsAsync(TopicCollection.OfTopicNames(topics), new DescribeTopicsOptions { RequestTimeout = Timeout }),
            e => (e as DescribeTopicsException)?.Results.TopicDescriptions.Select(d => (d.Name, d.Error)),
            cancellationToken);

    /// <summary>
    /// One exception for the per-item errors of a request (partitions, groups): not supported when
    /// one of them (or the request's own error) says so, failed when any item failed, null otherwise.
    /// </summary>
    /// <param name="operation">The operation, e.g. <c>ListGroupOffsets</c>.</param>
    /// <param name="subject">What the request was about, e.g. <c>group 'orders'</c>.</param>
    /// <param name="reports">Each item's name and error.</param>
    /// <param name="e">The client's exception.</param>
    /// <param name="advice">What to do instead when the broker does not serve the request.</param>
    public Exception? ItemFailures(string operation, string subject, IEnumerable<(string Item, Error Error)> reports, KafkaException e, string? advice = null)
    {
        var failed = reports.Where(r => r.Error is { IsError: true }).ToList();
        if (failed.Select(f => f.Error).Append(e.Error).FirstOrDefault(IsNotSupported) is { } unsupported)
        {
            return NotSupported(operation, unsupported, e, advice);
        }

        return failed.Count == 0
            ? null
            : Failed(operation, failed[0].Error, $"{operation} failed for {subject}: {string.Join("; ", failed.Select(f => $"{f.Item}: {f.Error.Code} ({f.Error.Reason})"))}.", e);
    }

    /// <summary>
    /// Logs and returns the exception for an operation the broker does not serve, with
    /// <paramref name="advice"/> on what to do instead (null: the advice for topics, configs and ACLs).
    /// </summary>
    public KafkaAdminNotSupportedException NotSupported(string operation, Error error, Exception? inner, string? advice = null)
    {
        AdminLog.NotSupported(Logger, operation, error.Code, error.Reason);
        return advice is null ? new KafkaAdminNotSupportedException(operation, error, inner) : new KafkaAdminNotSupportedException(operation, error, advice, inner);
    }

    /// <summary>Logs and returns the exception for an operation that failed.</summary>
    public KafkaAdminException Failed(string operation, Error error, string message, Exception? inner)
    {
        AdminLog.Failed(Logger, operation, message);
        return new KafkaAdminException(operation, error, message, inner);
    }

    public void Succeeded(string operation, string targets) => AdminLog.Succeeded(Logger, operation, targets);

    public void Dispose()
    {
        IAdminClient? client;
        lock (_lock)
        {
            _disposed = true;
            (client, _client) = (_client, null);
        }

        client?.Dispose();
    }

    private Exception TopicFailures(string operation, IReadOnlyList<string> topics, IEnumerable<(string Topic, Error Error)> reports, KafkaException e)
    {
        var errors = new Dictionary<string, Error>(StringComparer.Ordinal);
        foreach (var (topic, error) in reports)
        {
            if (error is { IsError: true })
            {
                errors[topic] = error;
            }
        }

        if (errors.Values.FirstOrDefault(IsNotSupported) is { } unsupported)
        {
            return NotSupported(operation, unsupported, e);
        }

        var results = topics.Select(t => new KafkaTopicResult(t, errors.GetValueOrDefault(t))).ToList();
        var failure = new KafkaTopicOperationException(operation, results, e);
        AdminLog.Failed(Logger, operation, failure.Message);
        return failure;
    }

    private IAdminClient Client()
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _client ??= clients.CreateAdminClient();
        }
    }
}
