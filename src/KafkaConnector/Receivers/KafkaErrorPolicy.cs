using System.Collections.Immutable;
using System.Globalization;
using KafkaConnector.Configuration;
using KafkaConnector.Receivers.Pipeline;

namespace KafkaConnector.Receivers;

/// <summary>
/// What a receiver's failure leads to: retries with backoff, then optionally a hold, then one final
/// action. Immutable: every method returns a new policy. Bad values throw when the policy is built,
/// that is at registration, never at the first failure.
/// </summary>
/// <remarks>
/// <para>A failed message goes, in order, through:</para>
/// <list type="number">
/// <item><b>Retries</b> (<see cref="Retry"/>): called again after a backoff that doubles up to a bound.</item>
/// <item><b>Hold</b> (<see cref="Hold"/>, <see cref="ThenHold"/>), for a downstream outage: the
/// message's partition stops being fetched, nothing after the message is committed, and the message
/// is retried with backoff until it succeeds; then the partition goes on. A revocation or the node's
/// stop ends the hold with the message uncommitted, so that it is read again.</item>
/// <item><b>The final action</b>, for a message whose retries are spent or whose exception the
/// policy does not handle (<see cref="Handle{TException}"/>): <see cref="ThenDeadLetter"/> (the
/// default: written to the dead-letter topic, then committed) or <see cref="ThenStop"/> (the
/// receiver stops; the message stays uncommitted and its partition held until the node restarts).</item>
/// </list>
/// <para>A backoff left null is taken from <c>Dispatch:RetryBackoff</c> and <c>Dispatch:MaxRetryBackoff</c>.
/// Without a policy a receiver gets <c>Retry(Dispatch:MaxRetries).ThenDeadLetter()</c>.</para>
/// </remarks>
/// <example>
/// <code>
/// KafkaErrorPolicy.Retry(3, TimeSpan.FromMilliseconds(100)).ThenDeadLetter();
/// KafkaErrorPolicy.Retry(2).ThenHold(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30)).Handle&lt;HttpRequestException&gt;();
/// KafkaErrorPolicy.Stop();
/// </code>
/// </example>
public sealed class KafkaErrorPolicy
{
    private static readonly KafkaErrorPolicy None = new(0, null, null, false, null, null, KafkaErrorAction.DeadLetter, [], null);

    private readonly ImmutableArray<Type> _handled;
    private readonly Func<Exception, bool>? _predicate;

    private KafkaErrorPolicy(
        int retries, TimeSpan? retryBackoff, TimeSpan? maxRetryBackoff, bool holds, TimeSpan? holdBackoff, TimeSpan? maxHoldBackoff,
        KafkaErrorAction finalAction, ImmutableArray<Type> handled, Func<Exception, bool>? predicate)
    {
        Retries = retries;
        RetryBackoff = retryBackoff;
        MaxRetryBackoff = maxRetryBackoff;
        Holds = holds;
        HoldBackoff = holdBackoff;
        MaxHoldBackoff = maxHoldBackoff;
        FinalAction = finalAction;
        _handled = handled;
        _predicate = predicate;
    }

    internal int Retries { get; }

    internal TimeSpan? RetryBackoff { get; }

    internal TimeSpan? MaxRetryBackoff { get; }

    internal bool Holds { get; }

    internal TimeSpan? HoldBackoff { get; }

    internal TimeSpan? MaxHoldBackoff { get; }

    internal KafkaErrorAction FinalAction { get; }

    /// <summary>Retries a failed message <paramref name="retries"/> times, then dead-letters it (change that with the <c>Then…</c> methods).</summary>
    /// <param name="retries">Calls after the first failed one; 0 for none.</param>
    /// <param name="backoff">Delay before the first retry, doubling each time; null for <c>Dispatch:RetryBackoff</c>.</param>
    /// <param name="maxBackoff">Upper bound of the delay; null for <c>Dispatch:MaxRetryBackoff</c> (never below <paramref name="backoff"/>).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="retries"/> is negative, a backoff is not positive, or <paramref name="maxBackoff"/> is below <paramref name="backoff"/>.</exception>
    public static KafkaErrorPolicy Retry(int retries, TimeSpan? backoff = null, TimeSpan? maxBackoff = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(retries);
        ValidateBackoff(backoff, maxBackoff);
        return None.With(retries: retries, retryBackoff: backoff, maxRetryBackoff: maxBackoff);
    }

    /// <summary>Holds the partition of a failed message and retries it until it succeeds (no retries before).</summary>
    /// <param name="backoff">Delay before the first retry while held, doubling each time; null for <c>Dispatch:RetryBackoff</c>.</param>
    /// <param name="maxBackoff">Upper bound of the delay; null for <c>Dispatch:MaxRetryBackoff</c> (never below <paramref name="backoff"/>).</param>
    /// <exception cref="ArgumentOutOfRangeException">A backoff is not positive, or <paramref name="maxBackoff"/> is below <paramref name="backoff"/>.</exception>
    public static KafkaErrorPolicy Hold(TimeSpan? backoff = null, TimeSpan? maxBackoff = null) => None.ThenHold(backoff, maxBackoff);

    /// <summary>Writes a failed message to the dead-letter topic at once, without retrying.</summary>
    public static KafkaErrorPolicy DeadLetter() => None;

    /// <summary>Stops the receiver at its first failure, without retrying.</summary>
    public static KafkaErrorPolicy Stop() => None.ThenStop();

    /// <summary>After the retries, holds the message's partition and retries until the message succeeds.</summary>
    /// <param name="backoff">Delay before the first retry while held, doubling each time; null for <c>Dispatch:RetryBackoff</c>.</param>
    /// <param name="maxBackoff">Upper bound of the delay; null for <c>Dispatch:MaxRetryBackoff</c> (never below <paramref name="backoff"/>).</param>
    /// <exception cref="ArgumentOutOfRangeException">A backoff is not positive, or <paramref name="maxBackoff"/> is below <paramref name="backoff"/>.</exception>
    public KafkaErrorPolicy ThenHold(TimeSpan? backoff = null, TimeSpan? maxBackoff = null)
    {
        ValidateBackoff(backoff, maxBackoff);
        return With(holds: true, holdBackoff: backoff, maxHoldBackoff: maxBackoff);
    }

    /// <summary>The final action is the dead-letter topic (the default): the message is written there, then committed.</summary>
    public KafkaErrorPolicy ThenDeadLetter() => With(finalAction: KafkaErrorAction.DeadLetter);

    /// <summary>
    /// The final action stops the receiver: it gets no more messages, the failed one stays
    /// uncommitted and its partition is held, without retrying, until the node restarts and reads it again.
    /// </summary>
    public KafkaErrorPolicy ThenStop() => With(finalAction: KafkaErrorAction.Stop);

    /// <summary>
    /// Retries and holds only exceptions of type <typeparamref name="TException"/> (or derived); others
    /// go straight to the final action. Several <c>Handle</c> calls add up: any of them handles.
    /// </summary>
    /// <typeparam name="TException">The exception type to retry.</typeparam>
    public KafkaErrorPolicy Handle<TException>()
        where TException : Exception => With(handled: _handled.Add(typeof(TException)));

    /// <summary>Retries and holds only exceptions <paramref name="predicate"/> accepts; others go straight to the final action.</summary>
    /// <param name="predicate">Called with the receiver's exception; must not throw.</param>
    /// <exception cref="ArgumentNullException"><paramref name="predicate"/> is null.</exception>
    public KafkaErrorPolicy Handle(Func<Exception, bool> predicate)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        var before = _predicate;
        return With(predicate: before is null ? predicate : e => before(e) || predicate(e));
    }

    /// <summary>The policy in words, for logs: <c>retry 3 (200ms..5s), then dead-letter</c>.</summary>
    public override string ToString()
    {
        var parts = new List<string>(4);
        if (Retries > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"retry {Retries}{Range(RetryBackoff, MaxRetryBackoff)}"));
        }

        if (Holds)
        {
            parts.Add($"hold{Range(HoldBackoff, MaxHoldBackoff)}");
        }

        parts.Add(FinalAction == KafkaErrorAction.Stop ? "stop" : "dead-letter");
        var filter = _handled.IsEmpty && _predicate is null ? "" : $" (handles {string.Join(" or ", _handled.Select(t => t.Name).Concat(_predicate is null ? [] : ["a predicate"]))})";
        return string.Join(", then ", parts) + filter;
    }

    /// <summary>The default: <c>Dispatch:MaxRetries</c> retries with the configured backoff, then the dead-letter topic.</summary>
    internal static KafkaErrorPolicy Default(KafkaDispatchOptions options) => Retry(options.MaxRetries).WithBackoffsFrom(options);

    /// <summary>This policy with every backoff it left open taken from the options.</summary>
    internal KafkaErrorPolicy WithBackoffsFrom(KafkaDispatchOptions options)
    {
        var retry = RetryBackoff ?? options.RetryBackoff;
        var hold = HoldBackoff ?? options.RetryBackoff;
        return With(
            retryBackoff: retry,
            maxRetryBackoff: MaxRetryBackoff ?? Max(options.MaxRetryBackoff, retry),
            holdBackoff: hold,
            maxHoldBackoff: MaxHoldBackoff ?? Max(options.MaxRetryBackoff, hold));
    }

    /// <summary>Whether the retries and the hold apply to <paramref name="error"/>.</summary>
    internal bool Handles(Exception error)
    {
        if (_handled.IsEmpty && _predicate is null)
        {
            return true;
        }

        foreach (var type in _handled)
        {
            if (type.IsInstanceOfType(error))
            {
                return true;
            }
        }

        return _predicate?.Invoke(error) ?? false;
    }

    /// <summary>What to do after the <paramref name="failures"/>-th failed call of a message (1 for the first).</summary>
    internal KafkaErrorAction Decide(Exception error, int failures)
    {
        if (!Handles(error))
        {
            return FinalAction;
        }

        if (failures <= Retries)
        {
            return KafkaErrorAction.Retry;
        }

        return Holds ? KafkaErrorAction.Hold : FinalAction;
    }

    /// <summary>The delay before the call after the <paramref name="failures"/>-th failure, once <see cref="WithBackoffsFrom"/> filled the backoffs.</summary>
    internal TimeSpan Delay(int failures) => failures <= Retries
        ? Backoff.Compute(RetryBackoff!.Value, MaxRetryBackoff!.Value, failures)
        : Backoff.Compute(HoldBackoff!.Value, MaxHoldBackoff!.Value, failures - Retries);

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static string Range(TimeSpan? backoff, TimeSpan? max) => backoff is null && max is null ? "" : $" ({Format(backoff)}..{Format(max)})";

    private static string Format(TimeSpan? delay) => delay switch
    {
        null => "configured",
        { TotalSeconds: < 1 } d => string.Create(CultureInfo.InvariantCulture, $"{d.TotalMilliseconds:0.###}ms"),
        { } d => string.Create(CultureInfo.InvariantCulture, $"{d.TotalSeconds:0.###}s"),
    };

    private static void ValidateBackoff(TimeSpan? backoff, TimeSpan? maxBackoff)
    {
        if (backoff is { } b && b <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(backoff), b, "The backoff must be positive.");
        }

        if (maxBackoff is { } m && (m <= TimeSpan.Zero || (backoff is { } start && m < start)))
        {
            throw new ArgumentOutOfRangeException(nameof(maxBackoff), m, "The maximum backoff must be positive and not below the backoff.");
        }
    }

    private KafkaErrorPolicy With(
        int? retries = null, TimeSpan? retryBackoff = null, TimeSpan? maxRetryBackoff = null, bool? holds = null, TimeSpan? holdBackoff = null,
        TimeSpan? maxHoldBackoff = null, KafkaErrorAction? finalAction = null, ImmutableArray<Type>? handled = null, Func<Exception, bool>? predicate = null) =>
        new(
            retries ?? Retries,
            retryBackoff ?? RetryBackoff,
            maxRetryBackoff ?? MaxRetryBackoff,
            holds ?? Holds,
            holdBackoff ?? (holds == true ? null : HoldBackoff),
            maxHoldBackoff ?? (holds == true ? null : MaxHoldBackoff),
            finalAction ?? FinalAction,
            handled ?? _handled,
            predicate ?? _predicate);
}

/// <summary>What a failure leads to, decided by <see cref="KafkaErrorPolicy"/>.</summary>
internal enum KafkaErrorAction
{
    Retry,
    Hold,
    DeadLetter,
    Stop,
}
