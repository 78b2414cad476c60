using System.Runtime.CompilerServices;
using KafkaConnector.Messages;
using Microsoft.Extensions.DependencyInjection;

namespace KafkaConnector.Receivers.Pipeline;

/// <summary>
/// The DI scope of an attempt, inside the error policy (a retry gets a fresh scope) and around
/// the user stages and the receiver. Scoped and transient receivers are resolved from it; for a
/// singleton receiver it is only created if a stage asks for <see cref="KafkaReceiveContext.Services"/>.
/// </summary>
internal static class ScopeStage
{
    /// <summary>With stages: the scope the context created, if any, is disposed when the attempt ends.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public static async ValueTask InvokeAsync(KafkaReceiveContext context, KafkaReceiveHandler next)
    {
        try
        {
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            await context.EndAttemptAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Without stages: a scoped or transient receiver in a scope of its own, with no context to allocate.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public static async ValueTask ReceiveAsync(IServiceProvider services, ReceiverRegistration registration, KafkaMessage message, CancellationToken cancellationToken)
    {
        var scope = services.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            var receiver = (IKafkaMessageReceiver)scope.ServiceProvider.GetRequiredService(registration.PerMessageType!);
            await ReceiverCall.Call(registration, receiver, message, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A scoped or transient batch receiver in a scope of its own, for one batch.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public static async ValueTask ReceiveBatchAsync(IServiceProvider services, ReceiverRegistration registration, IReadOnlyList<KafkaMessage> batch, CancellationToken cancellationToken)
    {
        var scope = services.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            var receiver = (IKafkaBatchReceiver)scope.ServiceProvider.GetRequiredService(registration.PerMessageType!);
            await ReceiverCall.CallBatch(registration, receiver, batch, cancellationToken).ConfigureAwait(false);
        }
    }
}
