namespace KafkaConnector.Receivers.Pipeline;

/// <summary>The rest of the receiver pipeline after a stage (see <see cref="IKafkaReceiverStage"/>).</summary>
/// <param name="context">The attempt's context, passed on as it is.</param>
public delegate ValueTask KafkaReceiveHandler(KafkaReceiveContext context);
