using KafkaConnector.Receivers;
using Microsoft.Extensions.DependencyInjection;

namespace KafkaConnector.Transactions;

/// <summary>
/// Per-receiver settings of a transactional receiver, given to the <c>configure</c> callback of
/// <c>AddTransactionalReceiver</c>: <c>configure: r =&gt; r.MaxBatchSize = 500</c>. Checked when the receiver is registered.
/// </summary>
public sealed class KafkaTransactionalReceiverOptions
{
    /// <summary>The most messages one transaction covers (default 100); it commits earlier when <see cref="MaxBatchDuration"/> has passed.</summary>
    public int MaxBatchSize { get; set; } = 100;

    /// <summary>
    /// How long a transaction stays open, from its first message, before it commits with what it has
    /// (default 100 ms): the delay a <c>read_committed</c> reader sees at most, beyond processing time.
    /// </summary>
    public TimeSpan MaxBatchDuration { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// The producer's <c>transaction.timeout.ms</c> (default 60 s): the broker aborts a transaction
    /// left open this long (a node that hangs). Above <see cref="MaxBatchDuration"/>, at most the
    /// broker's <c>transaction.max.timeout.ms</c> (15 min by default).
    /// </summary>
    public TimeSpan TransactionTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Singleton (default, resolved once at start) or scoped/transient (resolved in a new scope per message).</summary>
    public ServiceLifetime Lifetime { get; set; } = ServiceLifetime.Singleton;

    /// <summary>The receiver's error policy, or null for the default (<c>Dispatch:MaxRetries</c> retries, then the dead-letter topic).</summary>
    public KafkaErrorPolicy? ErrorPolicy { get; private set; }

    /// <summary>
    /// Sets what the receiver's failures lead to. Every failure first aborts the transaction; then,
    /// as <see cref="KafkaErrorPolicy"/> says: retried with backoff, held (retried until it
    /// succeeds; the receiver's consumer waits meanwhile), written to the dead-letter topic inside
    /// the next transaction, or stopped until the node restarts.
    /// </summary>
    /// <param name="policy">The policy.</param>
    /// <returns>These options, to chain further settings.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="policy"/> is null.</exception>
    public KafkaTransactionalReceiverOptions OnError(KafkaErrorPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ErrorPolicy = policy;
        return this;
    }

    /// <summary>The options <paramref name="configure"/> sets, checked.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; the message names it.</exception>
    internal static KafkaTransactionalReceiverOptions From(Action<KafkaTransactionalReceiverOptions>? configure)
    {
        var options = new KafkaTransactionalReceiverOptions();
        configure?.Invoke(options);
        if (options.MaxBatchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(configure), options.MaxBatchSize, "MaxBatchSize must be at least 1.");
        }

        if (options.MaxBatchDuration <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(configure), options.MaxBatchDuration, "MaxBatchDuration must be positive.");
        }

        if (options.TransactionTimeout <= options.MaxBatchDuration || options.TransactionTimeout > TimeSpan.FromMinutes(15))
        {
            throw new ArgumentOutOfRangeException(
                nameof(configure), options.TransactionTimeout, $"TransactionTimeout must be above MaxBatchDuration ({options.MaxBatchDuration}) and at most 15 minutes (the broker's default transaction.max.timeout.ms).");
        }

        if (!Enum.IsDefined(options.Lifetime))
        {
            throw new ArgumentOutOfRangeException(nameof(configure), options.Lifetime, "Lifetime must be Singleton, Scoped or Transient.");
        }

        return options;
    }
}
