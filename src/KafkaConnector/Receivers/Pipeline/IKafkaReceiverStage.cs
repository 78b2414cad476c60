namespace KafkaConnector.Receivers.Pipeline;

/// <summary>
/// A step of your own around every receiver call, like ASP.NET Core middleware: it sees each
/// message, may act before and after <c>nextHandler</c>, catch what it throws, or not call it at all.
/// Register it with <c>builder.AddReceiverStage&lt;TStage&gt;()</c>; stages run in registration order.
/// </summary>
/// <remarks>
/// <para>Stages run inside the error policy and the message's DI scope, right before the receiver:
/// a retry runs them again (<see cref="KafkaReceiveContext.Attempt"/> counts), and
/// <see cref="KafkaReceiveContext.Services"/> is the attempt's scope. An exception a stage throws is a
/// failure like the receiver's own; a stage that returns without calling <c>nextHandler</c> finishes the
/// message as if the receiver had succeeded. Request handlers of the cluster do not pass through stages.</para>
/// <para>A stage is resolved once, as a singleton, when the node starts, and called concurrently for
/// messages of different keys: keep per-message state in the context, not in fields.</para>
/// </remarks>
public interface IKafkaReceiverStage
{
    /// <summary>Handles one attempt at one message.</summary>
    /// <param name="context">The message, the receiver, the attempt, its cancellation token and scope.</param>
    /// <param name="nextHandler">The rest of the pipeline: later stages, then the receiver.</param>
    ValueTask InvokeAsync(KafkaReceiveContext context, KafkaReceiveHandler nextHandler);
}
