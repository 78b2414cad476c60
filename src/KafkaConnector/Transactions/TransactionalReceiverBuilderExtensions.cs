using KafkaConnector.Diagnostics;
using KafkaConnector.Receivers;
using KafkaConnector.Transactions;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="IKafkaTransactionalReceiver"/> implementations: exactly-once consume-transform-produce.</summary>
public static class TransactionalReceiverBuilderExtensions
{
    /// <summary>
    /// Registers <typeparamref name="TReceiver"/> for the topics of <paramref name="topicFilter"/>, with
    /// a consumer of its own in group <paramref name="groupId"/> (<c>isolation.level=read_committed</c>,
    /// manual commits) and a transactional producer of its own whose <c>transactional.id</c> is
    /// <c>&lt;groupId&gt;.&lt;NodeId&gt;</c>: what it writes and the offsets it consumed commit in one
    /// transaction. The node needs <c>KafkaConnector:NodeId</c>; the host's start fails without it.
    /// </summary>
    /// <param name="builder">The connector builder.</param>
    /// <param name="topicFilter">Names or <c>regex:…</c> (see <see cref="KafkaTopicFilter"/>).</param>
    /// <param name="groupId">The receiver's consumer group: nodes that share it share the topics' partitions. One transactional receiver per group.</param>
    /// <param name="configure">Batch bounds, transaction timeout, lifetime and error policy (<see cref="KafkaTransactionalReceiverOptions"/>); null for the defaults.</param>
    /// <exception cref="ArgumentException">The filter or group id is not valid, or the group has a transactional receiver already; the message names it.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the message names it.</exception>
    public static IKafkaConnectorBuilder AddTransactionalReceiver<TReceiver>(
        this IKafkaConnectorBuilder builder, string topicFilter, string groupId, Action<KafkaTransactionalReceiverOptions>? configure = null)
        where TReceiver : class, IKafkaTransactionalReceiver
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(groupId);
        var filter = KafkaTopicFilter.Parse(topicFilter);
        var options = KafkaTransactionalReceiverOptions.From(configure);
        if (builder.Services.Any(d => d.ImplementationInstance is TransactionalReceiverDescriptor r && r.GroupId == groupId))
        {
            // Two receivers of one group on one node would share a transactional.id and fence each other.
            throw new ArgumentException($"Group '{groupId}' has a transactional receiver already: give {typeof(TReceiver).Name} a group of its own.", nameof(groupId));
        }

        builder.Services.TryAdd(new ServiceDescriptor(typeof(TReceiver), typeof(TReceiver), options.Lifetime));
        builder.Services.AddSingleton(new TransactionalReceiverDescriptor(typeof(TReceiver), filter, groupId, options));
        builder.Services.TryAddSingleton<TransactionMetrics>();
        builder.Services.TryAddSingleton<TransactionalReceiversService>();
        builder.Services.TryAddSingleton<IKafkaTransactionalStatus>(sp => sp.GetRequiredService<TransactionalReceiversService>());
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, TransactionalReceiversService>(sp => sp.GetRequiredService<TransactionalReceiversService>()));
        return builder;
    }
}
