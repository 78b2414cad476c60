namespace KafkaConnector.Receivers;

/// <summary>
/// Per-receiver settings, given to the <c>configure</c> callback of <c>AddReceiver</c> and
/// <see cref="IKafkaReceiverRegistry.Register"/>: <c>configure: r =&gt; r.OnError(KafkaErrorPolicy.Retry(5).ThenHold())</c>.
/// </summary>
public sealed class KafkaReceiverOptions
{
    /// <summary>The receiver's error policy, or null for the default (<c>Dispatch:MaxRetries</c> retries, then the dead-letter topic).</summary>
    public KafkaErrorPolicy? ErrorPolicy { get; private set; }

    /// <summary>Sets what the receiver's failures lead to (see <see cref="KafkaErrorPolicy"/>).</summary>
    /// <param name="policy">The policy.</param>
    /// <returns>These options, to chain further settings.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="policy"/> is null.</exception>
    public KafkaReceiverOptions OnError(KafkaErrorPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ErrorPolicy = policy;
        return this;
    }

    internal static KafkaErrorPolicy? PolicyOf(Action<KafkaReceiverOptions>? configure)
    {
        if (configure is null)
        {
            return null;
        }

        var options = new KafkaReceiverOptions();
        configure(options);
        return options.ErrorPolicy;
    }
}
