using System.Reflection;
using KafkaConnector.Receivers;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="IKafkaMessageReceiver"/> and <see cref="IKafkaBatchReceiver"/> implementations.</summary>
public static class ReceiverBuilderExtensions
{
    /// <summary>
    /// Registers <typeparamref name="TReceiver"/> for the topics of <paramref name="topicFilter"/>
    /// (see <see cref="KafkaTopicFilter"/>) and, optionally, one key.
    /// </summary>
    /// <param name="builder">The connector builder.</param>
    /// <param name="topicFilter">Names, <c>{broadcast}</c>, <c>{node}</c> or <c>regex:…</c>.</param>
    /// <param name="keyFilter">Only this key (UTF-8); null or <c>*</c> for every key, null keys included.</param>
    /// <param name="lifetime">Singleton (default, resolved once at start) or scoped/transient (resolved in a new scope per message).</param>
    /// <param name="configure">
    /// Per-receiver settings, called now: <c>configure: r =&gt; r.OnError(KafkaErrorPolicy.Retry(3).ThenHold())</c>
    /// (see <see cref="KafkaErrorPolicy"/>); null for the defaults.
    /// </param>
    /// <exception cref="ArgumentException">The filter is not valid; the message names it.</exception>
    public static IKafkaConnectorBuilder AddReceiver<TReceiver>(
        this IKafkaConnectorBuilder builder, string topicFilter, string? keyFilter = null, ServiceLifetime lifetime = ServiceLifetime.Singleton, Action<KafkaReceiverOptions>? configure = null)
        where TReceiver : class, IKafkaMessageReceiver
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = KafkaReceiverOptions.From(configure);
        return builder.AddReceiver(typeof(TReceiver), topicFilter, keyFilter, lifetime, options.ErrorPolicy, policyName: null, options.GroupId);
    }

    /// <summary>
    /// Registers the batch receiver <typeparamref name="TReceiver"/> for the topics of <paramref name="topicFilter"/>:
    /// it gets up to <paramref name="maxMessages"/> messages of one partition at a time, or what arrived within
    /// <paramref name="maxWait"/> of the batch's first message (see <see cref="IKafkaBatchReceiver"/>).
    /// </summary>
    /// <param name="builder">The connector builder.</param>
    /// <param name="topicFilter">Names, <c>{broadcast}</c>, <c>{node}</c> or <c>regex:…</c>.</param>
    /// <param name="maxMessages">The most messages in a batch (1 to 100,000).</param>
    /// <param name="maxWait">The batch's time bound (default 250 ms, at most 5 minutes): its messages wait that long uncommitted.</param>
    /// <param name="lifetime">Singleton (default, resolved once at start) or scoped/transient (resolved in a new scope per batch).</param>
    /// <param name="configure">Per-receiver settings: its error policy (for the whole batch), its group; null for the defaults.</param>
    /// <exception cref="ArgumentException">The filter is not valid; the message names it.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxMessages"/> or <paramref name="maxWait"/> is out of range.</exception>
    public static IKafkaConnectorBuilder AddBatchReceiver<TReceiver>(
        this IKafkaConnectorBuilder builder, string topicFilter, int maxMessages = KafkaBatchOptions.DefaultMaxMessages, TimeSpan? maxWait = null,
        ServiceLifetime lifetime = ServiceLifetime.Singleton, Action<KafkaReceiverOptions>? configure = null)
        where TReceiver : class, IKafkaBatchReceiver
    {
        ArgumentNullException.ThrowIfNull(builder);
        var batch = KafkaBatchOptions.Of(maxMessages, maxWait);
        var options = KafkaReceiverOptions.From(configure);
        return builder.AddReceiver(typeof(TReceiver), topicFilter, keyFilter: null, lifetime, options.ErrorPolicy, policyName: null, options.GroupId, batch);
    }

    /// <summary>
    /// Registers every class of <paramref name="assembly"/> that implements
    /// <see cref="IKafkaMessageReceiver"/> or <see cref="IKafkaBatchReceiver"/> and carries <see cref="KafkaReceiverAttribute"/>, once per attribute,
    /// with the error policy the attribute names (<see cref="KafkaReceiverAttribute.ErrorPolicy"/>), its group and, for a batch receiver, its batch bounds.
    /// </summary>
    public static IKafkaConnectorBuilder AddReceiversFromAssembly(this IKafkaConnectorBuilder builder, Assembly assembly, ServiceLifetime lifetime = ServiceLifetime.Singleton)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(assembly);
        var receivers = assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && (typeof(IKafkaMessageReceiver).IsAssignableFrom(t) || typeof(IKafkaBatchReceiver).IsAssignableFrom(t)))
            .SelectMany(t => t.GetCustomAttributes<KafkaReceiverAttribute>().Select(a => (Type: t, Attribute: a)))
            .OrderBy(r => r.Type.FullName, StringComparer.Ordinal);
        foreach (var (type, attribute) in receivers)
        {
            var group = attribute.Group is null ? null : KafkaReceiverOptions.ValidGroupId(attribute.Group, $"{type.Name}'s [KafkaReceiver] Group");
            var batch = typeof(IKafkaBatchReceiver).IsAssignableFrom(type)
                ? KafkaBatchOptions.Of(
                    attribute.BatchSize == 0 ? KafkaBatchOptions.DefaultMaxMessages : attribute.BatchSize,
                    attribute.BatchWaitMilliseconds == 0 ? null : TimeSpan.FromMilliseconds(attribute.BatchWaitMilliseconds),
                    $"{type.Name}'s [KafkaReceiver] BatchSize",
                    $"{type.Name}'s [KafkaReceiver] BatchWaitMilliseconds")
                : null;
            builder.AddReceiver(type, attribute.TopicFilter, attribute.KeyFilter, lifetime, policy: null, attribute.ErrorPolicy, group, batch);
        }

        return builder;
    }

    private static IKafkaConnectorBuilder AddReceiver(
        this IKafkaConnectorBuilder builder, Type type, string topicFilter, string? keyFilter, ServiceLifetime lifetime, KafkaErrorPolicy? policy, string? policyName, string? groupId, KafkaBatchOptions? batch = null)
    {
        if (batch is not null && keyFilter is not null && keyFilter != "*")
        {
            throw new ArgumentException($"Batch receiver {type.Name} on '{topicFilter}': a batch holds a partition's messages, whatever their key; a key filter does not apply.", nameof(keyFilter));
        }

        var filter = KafkaTopicFilter.Parse(topicFilter);
        ReceiverGroupRules.Check(type.Name, filter, groupId, nodeGroupId: null, nameof(topicFilter)); // the node's group is checked at start, once it is known

        builder.Services.TryAdd(new ServiceDescriptor(type, type, lifetime));
        var descriptor = new ReceiverDescriptor(type, filter, keyFilter, lifetime, policy, policyName, groupId, batch);
        // The same receiver, filter, key and group registered twice would get every message twice.
        if (!builder.Services.Any(d => d.ImplementationInstance is ReceiverDescriptor r && r.Type == type && r.Filter.Text == filter.Text && r.KeyFilter == keyFilter && r.GroupId == groupId))
        {
            builder.Services.AddSingleton(descriptor);
        }

        return builder;
    }
}
