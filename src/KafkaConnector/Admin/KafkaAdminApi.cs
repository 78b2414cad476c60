using Confluent.Kafka;
using Confluent.Kafka.Admin;
using KafkaConnector.Configuration;
using KafkaConnector.Producers;
using Microsoft.Extensions.Logging;

namespace KafkaConnector.Admin;

/// <inheritdoc cref="IKafkaAdminApi"/>
/// <remarks>One admin client, created on first use and disposed with the service provider.</remarks>
internal sealed class KafkaAdminApi(KafkaClientFactory clients, ILoggerFactory loggerFactory) : IKafkaAdminApi, IDisposable
{
    /// <summary>librdkafka's default <c>socket.timeout.ms</c>, which also bounds admin requests.</summary>
    private const int DefaultTimeoutMs = 60_000;

    private readonly ILogger _logger = loggerFactory.CreateLogger("KafkaConnector.Admin");
    private readonly TimeSpan _timeout = TimeSpan.FromMilliseconds(clients.CreateAdminConfig().SocketTimeoutMs ?? DefaultTimeoutMs);
    private readonly Lock _lock = new();
    private IAdminClient? _client;
    private bool _disposed;

    public async Task<IReadOnlyList<KafkaTopicResult>> CreateTopicsAsync(IEnumerable<KafkaTopicSpec> topics, CancellationToken cancellationToken = default)
    {
        var specs = Materialize(topics, nameof(topics), s => s.Name);
        var names = specs.ConvertAll(s => s.Name);
        if (names.Count == 0)
        {
            return [];
        }

        var request = specs.ConvertAll(s => new TopicSpecification
        {
            Name = s.Name,
            NumPartitions = s.Partitions ?? -1,
            ReplicationFactor = s.ReplicationFactor ?? -1,
            Configs = new Dictionary<string, string>(s.Configs, StringComparer.Ordinal),
        });
        await TopicOperationAsync(
            "CreateTopics",
            names,
            c => Done(c.CreateTopicsAsync(request, new CreateTopicsOptions { RequestTimeout = _timeout, OperationTimeout = _timeout })),
            e => (e as CreateTopicsException)?.Results.Select(r => (r.Topic, r.Error)),
            cancellationToken).ConfigureAwait(false);
        return Succeeded("CreateTopics", names);
    }

    public async Task<IReadOnlyList<KafkaTopicResult>> DeleteTopicsAsync(IEnumerable<string> topics, CancellationToken cancellationToken = default)
    {
        var names = Materialize(topics, nameof(topics), t => t);
        if (names.Count == 0)
        {
            return [];
        }

        await TopicOperationAsync(
            "DeleteTopics",
            names,
            c => Done(c.DeleteTopicsAsync(names, new DeleteTopicsOptions { RequestTimeout = _timeout, OperationTimeout = _timeout })),
            e => (e as DeleteTopicsException)?.Results.Select(r => (r.Topic, r.Error)),
            cancellationToken).ConfigureAwait(false);
        return Succeeded("DeleteTopics", names);
    }

    public async Task<IReadOnlyList<KafkaTopicDescription>> DescribeTopicsAsync(IEnumerable<string> topics, CancellationToken cancellationToken = default)
    {
        var names = Materialize(topics, nameof(topics), t => t);
        if (names.Count == 0)
        {
            return [];
        }

        var described = await TopicOperationAsync(
            "DescribeTopics",
            names,
            c => c.DescribeTopicsAsync(TopicCollection.OfTopicNames(names), new DescribeTopicsOptions { RequestTimeout = _timeout }),
            e => (e as DescribeTopicsException)?.Results.TopicDescriptions.Select(d => (d.Name, d.Error)),
            cancellationToken).ConfigureAwait(false);
        var configs = await DescribeConfigsOrNullAsync(names, cancellationToken).ConfigureAwait(false);
        var byName = described.TopicDescriptions.ToDictionary(d => d.Name, StringComparer.Ordinal);
        return names.ConvertAll(name =>
        {
            var d = byName[name];
            var partitions = d.Partitions.OrderBy(p => p.Partition)
                .Select(p => new KafkaPartitionDescription(p.Partition, p.Leader?.Id, p.Replicas.ConvertAll(n => n.Id), p.ISR.ConvertAll(n => n.Id)))
                .ToList();
            return new KafkaTopicDescription(name, d.IsInternal, partitions, configs?.GetValueOrDefault(name));
        });
    }

    public async Task AlterTopicConfigsAsync(string topic, IReadOnlyDictionary<string, string?> changes, CancellationToken cancellationToken = default)
    {
        MessageValidator.ValidateTopicName(topic, nameof(topic));
        ArgumentNullException.ThrowIfNull(changes);
        if (changes.Count == 0)
        {
            return;
        }

        var entries = changes.Select(c => new ConfigEntry
        {
            Name = c.Key,
            Value = c.Value,
            IncrementalOperation = c.Value is null ? AlterConfigOpType.Delete : AlterConfigOpType.Set,
        }).ToList();
        var resource = new ConfigResource { Type = ResourceType.Topic, Name = topic };
        await TopicOperationAsync(
            "AlterTopicConfigs",
            [topic],
            c => c.IncrementalAlterConfigsAsync(new Dictionary<ConfigResource, List<ConfigEntry>> { [resource] = entries }, new IncrementalAlterConfigsOptions { RequestTimeout = _timeout }),
            e => (e as IncrementalAlterConfigsException)?.Results.Select(r => (r.ConfigResource.Name, r.Error)),
            cancellationToken).ConfigureAwait(false);
        AdminLog.Succeeded(_logger, "AlterTopicConfigs", $"{topic} ({string.Join(", ", changes.Keys)})");
    }

    public async Task AddAclsAsync(IEnumerable<KafkaAcl> acls, CancellationToken cancellationToken = default)
    {
        var list = Materialize(acls, nameof(acls), _ => null);
        var bindings = list.ConvertAll(a => a.ToBinding());
        if (bindings.Count == 0)
        {
            return;
        }

        await InvokeAsync(
            "AddAcls",
            c => Done(c.CreateAclsAsync(bindings, new CreateAclsOptions { RequestTimeout = _timeout })),
            e => e is CreateAclsException c ? AclFailures("AddAcls", list, c.Results.ConvertAll(r => r.Error), e) : null,
            cancellationToken).ConfigureAwait(false);
        AdminLog.Succeeded(_logger, "AddAcls", string.Join("; ", list));
    }

    public async Task<IReadOnlyList<KafkaAcl>> DeleteAclsAsync(IEnumerable<KafkaAcl> acls, CancellationToken cancellationToken = default)
    {
        var list = Materialize(acls, nameof(acls), _ => null);
        var filters = list.ConvertAll(a => a.ToBinding().ToFilter());
        if (filters.Count == 0)
        {
            return [];
        }

        var results = await InvokeAsync(
            "DeleteAcls",
            c => c.DeleteAclsAsync(filters, new DeleteAclsOptions { RequestTimeout = _timeout }),
            e => e is DeleteAclsException d ? AclFailures("DeleteAcls", list, d.Results.ConvertAll(r => r.Error), e) : null,
            cancellationToken).ConfigureAwait(false);
        var deleted = results.SelectMany(r => r.AclBindings).Select(KafkaAcl.FromBinding).ToList();
        AdminLog.Succeeded(_logger, "DeleteAcls", deleted.Count == 0 ? "no matching ACL" : string.Join("; ", deleted));
        return deleted;
    }

    public async Task<IReadOnlyList<KafkaAcl>> ListAclsAsync(KafkaAclFilter? filter = null, CancellationToken cancellationToken = default)
    {
        var bindingFilter = (filter ?? new KafkaAclFilter()).ToBindingFilter();
        var result = await InvokeAsync(
            "ListAcls",
            c => c.DescribeAclsAsync(bindingFilter, new DescribeAclsOptions { RequestTimeout = _timeout }),
            _ => null,
            cancellationToken).ConfigureAwait(false);
        return result.AclBindings.ConvertAll(KafkaAcl.FromBinding);
    }

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

    /// <summary>
    /// Whether <paramref name="error"/> means the broker does not serve the request at all rather
    /// than refusing this one: no such API (the mock cluster after a controller id is set), no
    /// controller to send it to (the mock cluster otherwise), or no authorizer for ACLs.
    /// </summary>
    internal static bool IsNotSupported(Error error) =>
        error.Code is ErrorCode.Local_UnsupportedFeature or ErrorCode.UnsupportedVersion or ErrorCode.SecurityDisabled
        || (error.Code == ErrorCode.Local_TimedOut && error.Reason.Contains("waiting for controller", StringComparison.OrdinalIgnoreCase));

    /// <summary>Copies the request once, rejecting null items and (where <paramref name="topicOf"/> names one) invalid topic names.</summary>
    internal static List<T> Materialize<T>(IEnumerable<T> items, string parameter, Func<T, string?> topicOf)
    {
        ArgumentNullException.ThrowIfNull(items, parameter);
        var list = items.ToList();
        foreach (var item in list)
        {
            ArgumentNullException.ThrowIfNull(item, parameter);
            if (topicOf(item) is { } topic)
            {
                MessageValidator.ValidateTopicName(topic, parameter);
            }
        }

        return list;
    }

    private static async Task<bool> Done(Task operation)
    {
        await operation.ConfigureAwait(false);
        return true;
    }

    private List<KafkaTopicResult> Succeeded(string operation, List<string> topics)
    {
        if (topics.Count > 0)
        {
            AdminLog.Succeeded(_logger, operation, string.Join(", ", topics));
        }

        return topics.ConvertAll(t => new KafkaTopicResult(t, null));
    }

    /// <summary>Runs a per-topic operation; per-topic failures become one <see cref="KafkaTopicOperationException"/> listing every topic.</summary>
    private async Task<T> TopicOperationAsync<T>(
        string operation,
        IReadOnlyList<string> topics,
        Func<IAdminClient, Task<T>> call,
        Func<KafkaException, IEnumerable<(string Topic, Error Error)>?> reports,
        CancellationToken cancellationToken) =>
        await InvokeAsync(operation, call, e => reports(e) is { } r ? TopicFailures(operation, topics, r, e) : null, cancellationToken).ConfigureAwait(false);

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
        AdminLog.Failed(_logger, operation, failure.Message);
        return failure;
    }

    private Exception AclFailures(string operation, List<KafkaAcl> acls, List<Error> errors, KafkaException e)
    {
        var failed = acls.Zip(errors).Where(p => p.Second is { IsError: true }).ToList();
        if (failed.Select(p => p.Second).FirstOrDefault(IsNotSupported) is { } unsupported)
        {
            return NotSupported(operation, unsupported, e);
        }

        var message = $"{operation} failed for {failed.Count} of {acls.Count} ACL(s): {string.Join("; ", failed.Select(p => $"{p.First}: {p.Second.Code} ({p.Second.Reason})"))}.";
        AdminLog.Failed(_logger, operation, message);
        return new KafkaAdminException(operation, failed.Count > 0 ? failed[0].Second : e.Error, message, e);
    }

    private KafkaAdminNotSupportedException NotSupported(string operation, Error error, Exception inner)
    {
        AdminLog.NotSupported(_logger, operation, error.Code, error.Reason);
        return new KafkaAdminNotSupportedException(operation, error, inner);
    }

    /// <summary>
    /// Calls the admin client and turns every failure into a clear exception: the operation's own
    /// per-item report when <paramref name="perItem"/> recognises it, otherwise not supported or failed.
    /// </summary>
    private async Task<T> InvokeAsync<T>(string operation, Func<IAdminClient, Task<T>> call, Func<KafkaException, Exception?> perItem, CancellationToken cancellationToken)
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

            var message = $"{operation} failed: {e.Error.Code} ({e.Error.Reason}).";
            AdminLog.Failed(_logger, operation, message);
            throw new KafkaAdminException(operation, e.Error, message, e);
        }
    }

    /// <summary>Topic configurations, or null when the broker does not serve DescribeConfigs.</summary>
    private async Task<Dictionary<string, IReadOnlyDictionary<string, string?>>?> DescribeConfigsOrNullAsync(List<string> topics, CancellationToken cancellationToken)
    {
        try
        {
            var results = await InvokeAsync(
                "DescribeConfigs",
                c => c.DescribeConfigsAsync(topics.Select(t => new ConfigResource { Type = ResourceType.Topic, Name = t }), new DescribeConfigsOptions { RequestTimeout = _timeout }),
                _ => null,
                cancellationToken).ConfigureAwait(false);
            return results.ToDictionary(
                r => r.ConfigResource.Name,
                r => (IReadOnlyDictionary<string, string?>)r.Entries.Values.ToDictionary(e => e.Name, e => e.IsSensitive ? null : e.Value, StringComparer.Ordinal),
                StringComparer.Ordinal);
        }
        catch (KafkaAdminNotSupportedException)
        {
            return null;
        }
    }

    /// <summary>The admin client, or null while no request needed one.</summary>
    internal IAdminClient? ClientIfCreated
    {
        get
        {
            lock (_lock)
            {
                return _client;
            }
        }
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
