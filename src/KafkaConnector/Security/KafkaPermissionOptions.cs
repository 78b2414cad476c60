namespace KafkaConnector.Security;

/// <summary>
/// Rules of the default <see cref="IKafkaPermissionEvaluator"/>, bound from
/// <c>KafkaConnector:Permissions</c> and validated at start-up. A call is allowed when at least one
/// rule allows it; anything no rule allows is denied, and so is every call of an unauthenticated
/// caller. See docs/security.md for an example.
/// </summary>
public sealed class KafkaPermissionOptions
{
    /// <summary>The configuration section, under <c>KafkaConnector</c>, the rules are bound from.</summary>
    public const string SectionName = "Permissions";

    /// <summary>The rules; none by default, so everything is denied.</summary>
    public IList<KafkaPermissionRule> Rules { get; } = new List<KafkaPermissionRule>();
}

/// <summary>
/// Allows the <see cref="Actions"/> on the <see cref="Resources"/> to every authenticated caller who
/// has one of the <see cref="Roles"/> or one of the <see cref="Claims"/>.
/// </summary>
public sealed class KafkaPermissionRule
{
    /// <summary>Role names (the identity's role claims); a caller with any of them matches.</summary>
    public IList<string> Roles { get; } = new List<string>();

    /// <summary>Claims; a caller with any of them matches.</summary>
    public IList<KafkaClaimRequirement> Claims { get; } = new List<KafkaClaimRequirement>();

    /// <summary>Names of <see cref="KafkaConnectorAction"/> values (case-insensitive), or <c>*</c> for every action.</summary>
    public IList<string> Actions { get; } = new List<string>();

    /// <summary>
    /// Topic or connector names, receiver ids: exact (<c>orders</c>), with <c>*</c> wildcards (<c>orders-*</c>), or
    /// <c>*</c> for everything. A pattern subscription (a regular expression such as <c>^orders-.*</c>)
    /// is allowed only by <c>*</c> or by the same expression written here.
    /// </summary>
    public IList<string> Resources { get; } = new List<string>();
}

/// <summary>A claim a caller must have: <see cref="Type"/> with <see cref="Value"/>, or with any value when it is null.</summary>
public sealed class KafkaClaimRequirement
{
    /// <summary>The claim type, e.g. <c>scope</c>.</summary>
    public string? Type { get; set; }

    /// <summary>The value (compared exactly), or null for any value.</summary>
    public string? Value { get; set; }
}
