using Confluent.Kafka.Admin;

namespace KafkaConnector.Admin;

/// <summary>
/// An access control entry on topics: <see cref="Principal"/> may (or may not) perform
/// <see cref="Operation"/> on the topic <see cref="Topic"/>, or on every topic starting with it
/// when <see cref="PatternType"/> is <see cref="ResourcePatternType.Prefixed"/>.
/// </summary>
/// <param name="Principal">The Kafka principal, e.g. <c>User:alice</c>.</param>
/// <param name="Topic">The topic name, the prefix, or <c>*</c> (literal) for every topic.</param>
/// <param name="PatternType"><see cref="ResourcePatternType.Literal"/> or <see cref="ResourcePatternType.Prefixed"/>.</param>
/// <param name="Operation">The operation, e.g. <see cref="AclOperation.Read"/> or <see cref="AclOperation.Write"/>.</param>
/// <param name="Permission"><see cref="AclPermissionType.Allow"/> or <see cref="AclPermissionType.Deny"/>.</param>
public sealed record KafkaAcl(string Principal, string Topic, ResourcePatternType PatternType, AclOperation Operation, AclPermissionType Permission)
{
    /// <summary>The client host the entry applies to (default <c>*</c>: any host).</summary>
    public string Host { get; init; } = "*";

    /// <inheritdoc />
    public override string ToString() => $"{Permission} {Principal} {Operation} on topic {PatternType} '{Topic}' from {Host}";

    internal AclBinding ToBinding()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Principal);
        ArgumentException.ThrowIfNullOrWhiteSpace(Topic);
        ArgumentException.ThrowIfNullOrWhiteSpace(Host);
        if (PatternType is not (ResourcePatternType.Literal or ResourcePatternType.Prefixed))
        {
            throw new ArgumentException($"The pattern type of an ACL must be Literal or Prefixed, not {PatternType}.", nameof(PatternType));
        }

        if (Operation is AclOperation.Any or AclOperation.Unknown)
        {
            throw new ArgumentException($"The operation of an ACL must be a concrete operation, not {Operation}.", nameof(Operation));
        }

        if (Permission is not (AclPermissionType.Allow or AclPermissionType.Deny))
        {
            throw new ArgumentException($"The permission of an ACL must be Allow or Deny, not {Permission}.", nameof(Permission));
        }

        return new AclBinding
        {
            Pattern = new ResourcePattern { Type = ResourceType.Topic, Name = Topic, ResourcePatternType = PatternType },
            Entry = new AccessControlEntry { Principal = Principal, Host = Host, Operation = Operation, PermissionType = Permission },
        };
    }

    internal static KafkaAcl FromBinding(AclBinding binding) =>
        new(binding.Entry.Principal, binding.Pattern.Name, binding.Pattern.ResourcePatternType, binding.Entry.Operation, binding.Entry.PermissionType)
        {
            Host = binding.Entry.Host,
        };
}

/// <summary>Which topic ACLs <c>ListAclsAsync</c> returns; every unset property matches anything.</summary>
public sealed record KafkaAclFilter
{
    /// <summary>Only entries on this topic name (or prefix), or null for any topic.</summary>
    public string? Topic { get; init; }

    /// <summary>
    /// How <see cref="Topic"/> is compared: <see cref="ResourcePatternType.Any"/> (default: entries
    /// whose resource name is <see cref="Topic"/>, literal or prefixed), <see cref="ResourcePatternType.Literal"/>,
    /// <see cref="ResourcePatternType.Prefixed"/>, or <see cref="ResourcePatternType.Match"/> (every entry that applies to the topic).
    /// </summary>
    public ResourcePatternType PatternType { get; init; } = ResourcePatternType.Any;

    /// <summary>Only entries for this principal (e.g. <c>User:alice</c>), or null for any.</summary>
    public string? Principal { get; init; }

    /// <summary>Only entries for this operation (default <see cref="AclOperation.Any"/>).</summary>
    public AclOperation Operation { get; init; } = AclOperation.Any;

    /// <summary>Only entries with this permission (default <see cref="AclPermissionType.Any"/>).</summary>
    public AclPermissionType Permission { get; init; } = AclPermissionType.Any;

    internal AclBindingFilter ToBindingFilter() => new()
    {
        PatternFilter = new ResourcePatternFilter { Type = ResourceType.Topic, Name = Topic, ResourcePatternType = PatternType },
        EntryFilter = new AccessControlEntryFilter { Principal = Principal, Host = null, Operation = Operation, PermissionType = Permission },
    };
}
