using Confluent.Kafka.Admin;
using KafkaConnector.Admin;

namespace KafkaConnector.AspNetCore.Admin.Internal;

/// <summary>ACLs between the wire (names) and the core's <see cref="KafkaAcl"/> (Confluent.Kafka enums).</summary>
internal static class AclMapping
{
    public static KafkaAcl ToAcl(KafkaAclModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return new KafkaAcl(model.Principal, model.Topic, Parse<ResourcePatternType>(model.PatternType, "patternType"),
            Parse<AclOperation>(model.Operation, "operation"), Parse<AclPermissionType>(model.Permission, "permission"))
        {
            Host = string.IsNullOrEmpty(model.Host) ? "*" : model.Host,
        };
    }

    public static KafkaAclModel ToModel(KafkaAcl acl) =>
        new(acl.Principal, acl.Topic, acl.PatternType.ToString(), acl.Operation.ToString(), acl.Permission.ToString(), acl.Host);

    public static KafkaAclFilter ToFilter(string? topic, string? principal, string? patternType) => new()
    {
        Topic = string.IsNullOrEmpty(topic) ? null : topic,
        Principal = string.IsNullOrEmpty(principal) ? null : principal,
        PatternType = string.IsNullOrEmpty(patternType) ? ResourcePatternType.Any : Parse<ResourcePatternType>(patternType, "patternType"),
    };

    private static T Parse<T>(string? value, string name)
        where T : struct, Enum =>
        Enum.TryParse<T>(value, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)
            ? parsed
            : throw new ArgumentException($"'{value}' is not a valid {name}; use one of {string.Join(", ", Enum.GetNames<T>())}.", name);
}
