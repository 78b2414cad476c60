using System.Diagnostics;
using Confluent.Kafka;
using KafkaConnector.Diagnostics;
using KafkaConnector.Engine;
using KafkaConnector.Messages;

namespace KafkaConnector.Receivers.Pipeline;

/// <summary>
/// One registration's pipeline, built once, in a fixed order: telemetry (the message's span and
/// metrics, <see cref="ReceiverTelemetry"/>), the error policy (this class: retries, hold, final
/// action), the DI scope (<see cref="ScopeStage"/>), the user stages, the receiver
/// (<see cref="ReceiverCall"/>). Telemetry and the policy share one loop, so that a message costs one
/// async state machine, as a bare receiver call would; a singleton receiver without stages gets no
/// context either. Never throws for a receiver's failure; throws <see cref="OperationCanceledException"/>
/// when the message must stay uncommitted (abandoned, or waiting: see <see cref="MessageDeferredException"/>).
/// </summary>
internal sealed class ReceiverPipeline
{
    private readonly ReceiverRegistration _registration;
    private readonly KafkaErrorPolicy? _policy;
    private readonly KafkaReceiveHandler? _stages;
    private readonly IServiceProvider _services;
    private readonly ReceiverTelemetry _telemetry;
    private readonly DeadLetterWriter _deadLetters;
    private readonly PartitionHolds _holds;
    private volatile bool _stopped;
    private int _deadLetterRun;

    /// <param name="registration">The receiver and its filters.</param>
    /// <param name="policy">The error policy with its backoffs resolved, or null for an internal receiver: one attempt, no dead letter.</param>
    /// <param name="stages">The scope, user stages and receiver composed by <see cref="StageChain"/>, or null without user stages.</param>
    /// <param name="services">The provider scopes are created from.</param>
    /// <param name="telemetry">Metrics, traces and logs.</param>
    /// <param name="deadLetters">The dead-letter action.</param>
    /// <param name="holds">Where holds are asked for.</param>
    public ReceiverPipeline(
        ReceiverRegistration registration, KafkaErrorPolicy? policy, KafkaReceiveHandler? stages, IServiceProvider services,
        ReceiverTelemetry telemetry, DeadLetterWriter deadLetters, PartitionHolds holds)
    {
        _registration = registration;
        _policy = policy;
        _stages = stages;
        _services = services;
        _telemetry = telemetry;
        _deadLetters = deadLetters;
        _holds = holds;
    }

    /// <summary>Whether the error policy stopped the receiver: it gets no more messages until the node restarts.</summary>
    public bool IsStopped => _stopped;

    /// <summary>
    /// Runs a receiver its error policy stopped again: the partitions it held are read again from their
    /// watermark, so the message it stopped on comes first. Returns whether it was stopped.
    /// </summary>
    public bool Restart(Func<TopicPartition, bool> belongs)
    {
        if (!_stopped)
        {
            return false;
        }

        _stopped = false;
        Volatile.Write(ref _deadLetterRun, 0);
        _holds.ReleaseStopped(belongs);
        return true;
    }

    /// <summary>How many of the receiver's last messages in a row went to the dead-letter topic.</summary>
    public int ConsecutiveDeadLetters => Volatile.Read(ref _deadLetterRun);

    public Task InvokeAsync(KafkaMessage message, CancellationToken cancellationToken) => InvokeAsync(message, batch: null, cancellationToken);

    /// <summary>A batch receiver's batch: the policy applies to the batch as one; holds and stops are taken at its first message.</summary>
    public Task InvokeBatchAsync(IReadOnlyList<KafkaMessage> batch, CancellationToken cancellationToken) => InvokeAsync(batch[0], batch, cancellationToken);

    private async Task InvokeAsync(KafkaMessage message, IReadOnlyList<KafkaMessage>? batch, CancellationToken cancellationToken)
    {
        if (_policy is not null)
        {
            Admit(message, cancellationToken);
        }

        using var activity = ReceiverTelemetry.StartSpan(_registration, message);
        var context = _stages is null || batch is not null ? null : new KafkaReceiveContext(message, _registration.Name, _services, cancellationToken);
        PartitionHold? hold = null;
        var token = cancellationToken;
        var heldAt = 0;
        var heldSince = 0L;
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    if (batch is null)
                    {
                        await CallAsync(message, context, attempt, token).ConfigureAwait(false);
                    }
                    else
                    {
                        await CallBatchAsync(batch, token).ConfigureAwait(false);
                    }
                }
                catch (OperationCanceledException) when (token.IsCancellationRequested)
                {
                    _telemetry.Abandoned(_registration, message, started, activity);
                    throw;
                }
                catch (Exception e)
                {
                    _telemetry.Failed(_registration, message, started, e);
                    _registration.LastError = new KafkaReceiverError(
                        e.GetType().FullName ?? e.GetType().Name, _telemetry.Scrub(e.Message), DateTimeOffset.UtcNow, message.Topic, message.Partition ?? -1, message.Offset ?? -1);
                    var action = _policy?.Decide(e, attempt);
                    if (action is KafkaErrorAction.Retry or KafkaErrorAction.Hold)
                    {
                        var delay = _policy!.Delay(attempt);
                        if (action == KafkaErrorAction.Retry)
                        {
                            _telemetry.Retrying(_registration, message, e, attempt, _policy.Retries + 1, delay);
                        }
                        else if (hold is null)
                        {
                            hold = _holds.TryHold(message.Topic, message.Partition ?? -1, message.Offset ?? -1, cancellationToken) ?? throw Defer(message);
                            (token, heldAt, heldSince) = (hold.Token, attempt, Stopwatch.GetTimestamp());
                            _telemetry.HoldStarted(_registration, message, e, attempt, delay);
                        }
                        else
                        {
                            _telemetry.HoldRetrying(_registration, message, e, attempt, delay);
                        }

                        await Task.Delay(delay, token).ConfigureAwait(false);
                        continue;
                    }

                    ReceiverTelemetry.GaveUp(activity, e);
                    if (action == KafkaErrorAction.Stop)
                    {
                        Stop(message, e, hold, cancellationToken);
                        hold = null;
                        throw new MessageDeferredException();
                    }

                    if (hold is not null)
                    {
                        EndHold(hold, message, attempt - heldAt, heldSince, "the exception is not one the policy handles; the message goes to its final action");
                        hold = null;
                    }

                    if (action == KafkaErrorAction.DeadLetter)
                    {
                        foreach (var failed in batch ?? [message])
                        {
                            await _deadLetters.WriteAsync(_registration, failed, e, attempt, cancellationToken).ConfigureAwait(false);
                        }

                        Interlocked.Increment(ref _deadLetterRun);
                    }

                    return; // dead-lettered, or an internal receiver's failure: the message is finished
                }

                _telemetry.Succeeded(_registration, message, started);
                if (hold is not null)
                {
                    EndHold(hold, message, attempt - heldAt, heldSince, "the message succeeded; the partition goes on");
                    hold = null;
                }

                var run = Volatile.Read(ref _deadLetterRun);
                if (run != 0)
                {
                    Interlocked.CompareExchange(ref _deadLetterRun, 0, run); // a success ends a run of dead letters
                }

                return;
            }
        }
        finally
        {
            if (hold is not null)
            {
                // Revoked or stopping: the message stays uncommitted and is read again by the partition's next owner.
                _holds.Abandon(hold);
                hold.Dispose();
                _telemetry.HoldEnded(_registration, message, 0, heldSince, "abandoned (revoked or stopping); the message stays uncommitted");
            }
        }
    }

    /// <summary>A stopped receiver gets nothing, and nothing after the held message of a partition is processed until the hold ends.</summary>
    private void Admit(KafkaMessage message, CancellationToken cancellationToken)
    {
        if (_stopped)
        {
            _holds.HoldStopped(message.Topic, message.Partition ?? -1, message.Offset ?? -1, cancellationToken);
            throw new MessageDeferredException();
        }

        if (_holds.ShouldDefer(message.Topic, message.Partition ?? -1, message.Offset ?? -1, cancellationToken))
        {
            throw Defer(message);
        }
    }

    private ValueTask CallAsync(KafkaMessage message, KafkaReceiveContext? context, int attempt, CancellationToken token)
    {
        if (context is not null)
        {
            context.Attempt = attempt;
            context.CancellationToken = token;
            return _stages!(context);
        }

        return _registration.Instance is { } receiver
            ? ReceiverCall.Call(_registration, receiver, message, token)
            : ScopeStage.ReceiveAsync(_services, _registration, message, token);
    }

    private ValueTask CallBatchAsync(IReadOnlyList<KafkaMessage> batch, CancellationToken token) =>
        _registration.BatchInstance is { } receiver
            ? ReceiverCall.CallBatch(_registration, receiver, batch, token)
            : ScopeStage.ReceiveBatchAsync(_services, _registration, batch, token);

    private void EndHold(PartitionHold hold, KafkaMessage message, int attempts, long heldSince, string outcome)
    {
        _holds.Release(hold);
        hold.Dispose();
        _telemetry.HoldEnded(_registration, message, attempts, heldSince, outcome);
    }

    private void Stop(KafkaMessage message, Exception error, PartitionHold? hold, CancellationToken assignment)
    {
        if (hold is not null)
        {
            _holds.Stop(hold);
            hold.Dispose();
        }
        else
        {
            _holds.HoldStopped(message.Topic, message.Partition ?? -1, message.Offset ?? -1, assignment);
        }

        if (!_stopped)
        {
            _stopped = true;
            _telemetry.Stopped(_registration, message, error);
        }
    }

    private MessageDeferredException Defer(KafkaMessage message)
    {
        _telemetry.Deferred(_registration, message);
        return new MessageDeferredException();
    }
}

/// <summary>
/// The message was not finished and must not be: its partition is held, or its receiver stopped.
/// It stays uncommitted and is read again (after the hold, or by the next owner or run).
/// </summary>
internal sealed class MessageDeferredException()
    : OperationCanceledException("The message waits: its partition is held or its receiver stopped; it stays uncommitted and is read again.");
