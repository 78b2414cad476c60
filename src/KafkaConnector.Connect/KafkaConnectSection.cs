namespace KafkaConnector.Connect;

/// <summary>
/// The configuration path the options were bound from, so that messages name the key a user has to fix.
/// </summary>
/// <param name="Path">The section's path, <c>KafkaConnector:Connect</c> unless the connector was bound from elsewhere.</param>
internal sealed record KafkaConnectSection(string Path)
{
    public const string DefaultPath = "KafkaConnector:" + KafkaConnectOptions.SectionName;

    /// <summary>The full configuration key of an option, such as <c>KafkaConnector:Connect:Url</c>.</summary>
    public string Key(string option) => $"{Path}:{option}";
}
