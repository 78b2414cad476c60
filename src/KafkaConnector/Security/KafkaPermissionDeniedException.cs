namespace KafkaConnector.Security;

/// <summary>
/// The caller may not perform <see cref="Action"/> on <see cref="Resource"/>; nothing reached Kafka.
/// The message names the action and the resource and nothing else, so it can be shown to the
/// caller (a web layer maps it to HTTP 403).
/// </summary>
public sealed class KafkaPermissionDeniedException : UnauthorizedAccessException
{
    /// <summary>Creates the exception for a denied <paramref name="action"/> on <paramref name="resource"/>.</summary>
    public KafkaPermissionDeniedException(KafkaConnectorAction action, string resource)
        : base($"Permission denied: {action} on '{resource}'.")
    {
        Action = action;
        Resource = resource;
    }

    /// <summary>The action that was denied.</summary>
    public KafkaConnectorAction Action { get; }

    /// <summary>The resource (topic, pattern or connector name) the action was denied on.</summary>
    public string Resource { get; }
}
