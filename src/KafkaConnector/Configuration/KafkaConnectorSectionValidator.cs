using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace KafkaConnector.Configuration;

/// <summary>
/// Checks the configuration section itself, which binding cannot: keys that bind to nothing
/// (<c>ShutdownTimout</c>) fail with the nearest valid key, durations written as bare numbers
/// (which .NET reads as days) fail with the spelling meant, and a missing <c>KafkaConnector</c>
/// section next to one that holds connector keys is named.
/// </summary>
internal sealed class KafkaConnectorSectionValidator(
    IConfiguration? given,
    IConfigurationSection? section,
    IEnumerable<KafkaConnectorModuleSection> modules) : IValidateOptions<KafkaConnectorOptions>
{
    private const string Root = KafkaConnectorOptions.SectionName;

    /// <summary>Sub-sections whose keys are librdkafka's, checked by librdkafka.</summary>
    private static readonly HashSet<string> NativeSections = new(StringComparer.OrdinalIgnoreCase) { "All", "Producer", "Consumer", "Admin" };

    public ValidateOptionsResult Validate(string? name, KafkaConnectorOptions options)
    {
        if (section is null)
        {
            return ValidateOptionsResult.Skip;
        }

        var failures = new List<string>();
        if (!section.GetChildren().Any())
        {
            FindMisnamedSection(failures);
        }
        else
        {
            var moduleNames = modules.Select(m => m.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
            CheckObject(failures, section, typeof(KafkaConnectorOptions), Root, moduleNames);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckObject(List<string> failures, IConfigurationSection node, Type type, string path, HashSet<string>? moduleNames)
    {
        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance).ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
        foreach (var child in node.GetChildren())
        {
            var childPath = $"{path}:{child.Key}";
            if (moduleNames is not null && (NativeSections.Contains(child.Key) || moduleNames.Contains(child.Key)))
            {
                continue; // librdkafka's keys, checked one by one; a module's section, checked by the module
            }

            if (!properties.TryGetValue(child.Key, out var property))
            {
                var known = properties.Keys.Concat(moduleNames ?? []).Concat(moduleNames is null ? [] : NativeSections);
                var nearest = KeySuggestion.Nearest(child.Key, known);
                failures.Add($"{childPath} is not a connector setting{(nearest is null ? "" : $": did you mean {path}:{nearest}?")} (every key: docs/configuration.md).");
                continue;
            }

            if (property.PropertyType == typeof(TimeSpan) && child.Value is { } text && long.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var number))
            {
                failures.Add($"{childPath} = '{text}' is a bare number, which .NET reads as {number} day(s): write a duration, e.g. '{Duration(number * 1000)}' for {number} s or '{Duration(number)}' for {number} ms.");
            }
            else if (!property.PropertyType.IsPrimitive && property.PropertyType != typeof(string) && property.PropertyType != typeof(TimeSpan))
            {
                CheckObject(failures, child, property.PropertyType, childPath, moduleNames: null);
            }
        }
    }

    private static string Duration(long milliseconds) =>
        TimeSpan.FromMilliseconds(Math.Clamp(milliseconds, 0, (long)TimeSpan.FromDays(1).TotalMilliseconds - 1))
            .ToString(milliseconds % 1000 == 0 ? @"hh\:mm\:ss" : @"hh\:mm\:ss\.fff", CultureInfo.InvariantCulture);

    /// <summary>The section is empty: is the connector's configuration under another name?</summary>
    private void FindMisnamedSection(List<string> failures)
    {
        if (given is null || given is IConfigurationSection)
        {
            return;
        }

        var connectorKeys = new HashSet<string>(NativeSections.Concat(["Layer", "NodeId", "System", "Dispatch", "Cluster", "Reactive"]), StringComparer.OrdinalIgnoreCase);
        var candidates = given.GetChildren()
            .Where(c => c.GetChildren().Any(k => connectorKeys.Contains(k.Key)))
            .Select(c => c.Key)
            .ToList();
        var nearest = KeySuggestion.Nearest(Root, candidates) ?? (candidates.Count == 1 ? candidates[0] : null);
        if (nearest is not null)
        {
            failures.Add($"The configuration has no '{Root}' section, but '{nearest}' holds connector keys: rename it to '{Root}', or call AddKafkaConnector(configuration.GetSection(\"{nearest}\")).");
        }
    }
}
