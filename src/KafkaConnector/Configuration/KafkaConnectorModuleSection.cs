namespace KafkaConnector.Configuration;

/// <summary>
/// A sub-section of the <c>KafkaConnector</c> configuration section that a module binds
/// (<c>Permissions</c>, <c>Connect</c>, ...). Modules register one as a singleton so that the
/// start-up check, which refuses unknown keys, knows the section is theirs.
/// </summary>
/// <param name="Name">The sub-section's name, e.g. <c>Connect</c>.</param>
public sealed record KafkaConnectorModuleSection(string Name);
