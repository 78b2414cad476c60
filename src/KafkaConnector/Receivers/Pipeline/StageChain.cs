namespace KafkaConnector.Receivers.Pipeline;

/// <summary>
/// Composes, once per registration, the part of the pipeline inside the error policy: the DI
/// scope, then the user stages in registration order, then the receiver. Calling it allocates no delegate.
/// </summary>
internal static class StageChain
{
    public static KafkaReceiveHandler Build(IReadOnlyList<IKafkaReceiverStage> stages, KafkaReceiveHandler receiver)
    {
        var next = receiver;
        for (var i = stages.Count - 1; i >= 0; i--)
        {
            var stage = stages[i];
            var after = next;
            next = context => stage.InvokeAsync(context, after);
        }

        var inner = next;
        return context => ScopeStage.InvokeAsync(context, inner);
    }
}
