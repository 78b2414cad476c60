using Confluent.Kafka;
using Confluent.Kafka.Admin;
using KafkaConnector.Configuration;
using KafkaConnector.Producers;
using Microsoft.Extensions.Logging;

namespace KafkaConnector.Admin;

/// <inheritdoc cref="IKafkaAdminApi"/>
/// <remarks>
/// One admin client (<see cref="AdminClientInvoker"/>), created on first use and disposed with the
/// service provider. Topics and ACLs are here; consumer groups in <see cref="ConsumerGroupAdmin"/>,
/// <see cref="GroupOffsetLister"/> and <see cref="GroupOffsetResetter"/>.
/// </remarks>
internal sealed class KafkaAdminApi : IKafkaAdminApi, IDisposable
{
    private readonly AdminClientInvoker _admin;
    private readonly ConsumerGroupAdmin _groups;
    private readonly GroupOffsetLister _offsets;
    private readonly GroupOffsetResetter _reset;

    public KafkaAdminApi(KafkaClientFactory clients, ILoggerFactory loggerFactory)
    {
        _admin = new AdminClientInvoker(clients, loggerFactory.CreateLogger("KafkaConnector.Admin"));
        _groups = new ConsumerGroupAdmin(_admin);
        var queries = new OffsetQueries(_admin);
        _offsets = new GroupOffsetLister(_admin, queries, _groups);
        _reset = new GroupOffsetResetter(_admin, queries, _groups);
    }

    /// <summary>The admin client, or null while no request needed one.</summary>
    internal IAdminClient? ClientIfCreated => _admin.ClientIfCreated;

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
        await _admin.TopicOperationAsync(
            "CreateTopics",
            names,
            c => Done(c.CreateTopicsAsync(request, new CreateTopicsOptions { RequestTimeout = _admin.Timeout, OperationTimeout = _admin.Timeout })),
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

        await _admin.TopicOperationAsync(
            "DeleteTopics",
            names,
            c => Done(c.DeleteTopicsAsync(names, new DeleteTopicsOptions { RequestTimeout = _admin.Timeout, OperationTimeout = _admin.Timeout })),
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

        var described = await _admin.DescribeTopicsAsync(names, cancellationToken).ConfigureAwait(false);
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
        await _admin.TopicOperationAsync(
            "AlterTopicConfigs",
            [topic],
            c => c.IncrementalAlterConfigsAsync(new Dictionary<ConfigResource, List<ConfigEntry>> { [resource] = entries }, new IncrementalAlterConfigsOptions { RequestTimeout = _admin.Timeout }),
            e => (e as IncrementalAlterConfigsException)?.Results.Select(r => (r.ConfigResource.Name, r.Error)),
            cancellationToken).ConfigureAwait(false);
        _admin.Succeeded("AlterTopicConfigs", $"{topic} ({string.Join(", ", changes.Keys)})");
    }

    public async Task AddAclsAsync(IEnumerable<KafkaAcl> acls, CancellationToken cancellationToken = default)
    {
        var list = Materialize(acls, nameof(acls), _ => null);
        var bindings = list.ConvertAll(a => a.ToBinding());
        if (bindings.Count == 0)
        {
            return;
        }

        await _admin.InvokeAsync(
            "AddAcls",
            c => Done(c.CreateAclsAsync(bindings, new CreateAclsOptions { RequestTimeout = _admin.Timeout })),
            e => e is CreateAclsException c ? AclFailures("AddAcls", list, c.Results.ConvertAll(r => r.Error), e) : null,
            cancellationToken).ConfigureAwait(false);
        _admin.Succeeded("AddAcls", string.Join("; ", list));
    }

    public async Task<IReadOnlyList<KafkaAcl>> DeleteAclsAsync(IEnumerable<KafkaAcl> acls, CancellationToken cancellationToken = default)
    {
        var list = Materialize(acls, nameof(acls), _ => null);
        var filters = list.ConvertAll(a => a.ToBinding().ToFilter());
        if (filters.Count == 0)
        {
            return [];
        }

        var results = await _admin.InvokeAsync(
            "DeleteAcls",
            c => c.DeleteAclsAsync(filters, new DeleteAclsOptions { RequestTimeout = _admin.Timeout }),
            e => e is DeleteAclsException d ? AclFailures("DeleteAcls", list, d.Results.ConvertAll(r => r.Error), e) : null,
            cancellationToken).ConfigureAwait(false);
        var deleted = results.SelectMany(r => r.AclBindings).Select(KafkaAcl.FromBinding).ToList();
        _admin.Succeeded("DeleteAcls", deleted.Count == 0 ? "no matching ACL" : string.Join("; ", deleted));
        return deleted;
    }

    public async Task<IReadOnlyList<KafkaAcl>> ListAclsAsync(KafkaAclFilter? filter = null, CancellationToken cancellationToken = default)
    {
        var bindingFilter = (filter ?? new KafkaAclFilter()).ToBindingFilter();
        var result = await _admin.InvokeAsync(
            "ListAcls",
            c => c.DescribeAclsAsync(bindingFilter, new DescribeAclsOptions { RequestTimeout = _admin.Timeout }),
            _ => null,
            cancellationToken).ConfigureAwait(false);
        return result.AclBindings.ConvertAll(KafkaAcl.FromBinding);
    }

    public Task<IReadOnlyList<KafkaGroupPartitionOffset>> ListGroupOffsetsAsync(string groupId, IEnumerable<string>? topics = null, CancellationToken cancellationToken = default) =>
        _offsets.ListAsync(groupId, topics, cancellationToken);

    public Task<IReadOnlyList<KafkaGroupOffsetChange>> ResetGroupOffsetsAsync(
        string groupId, string topic, KafkaOffsetTarget target, IEnumerable<int>? partitions = null, CancellationToken cancellationToken = default) =>
        _reset.ResetAsync(groupId, topic, target, partitions, cancellationToken);

    public Task<IReadOnlyList<KafkaGroupListing>> ListGroupsAsync(CancellationToken cancellationToken = default) => _groups.ListAsync(cancellationToken);

    public Task<IReadOnlyList<KafkaGroupDescription>> DescribeGroupsAsync(IEnumerable<string> groupIds, CancellationToken cancellationToken = default) =>
        _groups.DescribeAsync(groupIds, cancellationToken);

    public void Dispose() => _admin.Dispose();

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
            _admin.Succeeded(operation, string.Join(", ", topics));
        }

        return topics.ConvertAll(t => new KafkaTopicResult(t, null));
    }

    private Exception AclFailures(string operation, List<KafkaAcl> acls, List<Error> errors, KafkaException e)
    {
        var failed = acls.Zip(errors).Where(p => p.Second is { IsError: true }).ToList();
        if (failed.Select(p => p.Second).FirstOrDefault(AdminClientInvoker.IsNotSupported) is { } unsupported)
        {
            return _admin.NotSupported(operation, unsupported, e);
        }

        var message = $"{operation} failed for {failed.Count} of {acls.Count} ACL(s): {string.Join("; ", failed.Select(p => $"{p.First}: {p.Second.Code} ({p.Second.Reason})"))}.";
        return _admin.Failed(operation, failed.Count > 0 ? failed[0].Second : e.Error, message, e);
    }

    /// <summary>Topic configurations, or null when the broker does not serve DescribeConfigs.</summary>
    private async Task<Dictionary<string, IReadOnlyDictionary<string, string?>>?> DescribeConfigsOrNullAsync(List<string> topics, CancellationToken cancellationToken)
    {
        try
        {
            var results = await _admin.InvokeAsync(
                "DescribeConfigs",
                c => c.DescribeConfigsAsync(topics.Select(t => new ConfigResource { Type = ResourceType.Topic, Name = t }), new DescribeConfigsOptions { RequestTimeout = _admin.Timeout }),
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
}
