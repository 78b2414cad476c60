namespace KafkaConnector.Consumers;

/// <summary>An open stream (a reactive subscription or an async enumeration), tracked so that shutdown can end it.</summary>
internal interface IStreamSession
{
    /// <summary>The most messages its buffer held at once (for tests and diagnostics).</summary>
    int MaxBuffered { get; }

    /// <summary>Ends the stream because the connector shuts down; completes once its consumers closed, or after the shutdown timeout.</summary>
    Task CompleteAsync();
}

/// <summary>Where open streams are tracked so that shutdown can end them.</summary>
internal interface IStreamSessionRegistry
{
    /// <summary>False once the connector shuts down: no new stream may start.</summary>
    bool TryAdd(IStreamSession session);

    void Remove(IStreamSession session);
}
