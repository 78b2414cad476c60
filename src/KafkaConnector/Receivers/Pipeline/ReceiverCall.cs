using KafkaConnector.Messages;
using Microsoft.Extensions.DependencyInjection;

namespace KafkaConnector.Receivers.Pipeline;

/// <summary>The pipeline's innermost step: the receiver's own <see cref="IKafkaMessageReceiver.ReceiveAsync"/>.</summary>
internal static class ReceiverCall
{
    /// <summary>The receiver behind the stages: the registered instance, or one resolved from the attempt's scope.</summary>
    public static KafkaReceiveHandler For(ReceiverRegistration registration) => registration.Instance is { } receiver
        ? context => Call(registration, receiver, context.Message, context.CancellationToken)
        : context => Call(registration, (IKafkaMessageReceiver)context.Services.GetRequiredService(registration.PerMessageType!), context.Message, context.CancellationToken);

    public static ValueTask Call(ReceiverRegistration registration, IKafkaMessageReceiver receiver, KafkaMessage message, CancellationToken cancellationToken) =>
        new(receiver.ReceiveAsync(message, cancellationToken) ?? throw NullTask(registration));

    public static ValueTask CallBatch(ReceiverRegistration registration, IKafkaBatchReceiver receiver, IReadOnlyList<KafkaMessage> batch, CancellationToken cancellationToken) =>
        new(receiver.ReceiveAsync(batch, cancellationToken) ?? throw NullTask(registration));

    private static InvalidOperationException NullTask(ReceiverRegistration registration) =>
        new($"Receiver {registration.Name} returned null from ReceiveAsync instead of a Task (return Task.CompletedTask when there is nothing to await).");
}
