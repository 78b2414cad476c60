using System.Security.Claims;
using System.Text.RegularExpressions;

namespace KafkaConnector.Security;

/// <summary>A <see cref="KafkaPermissionRule"/> checked and compiled once: what the validator reports on and the default evaluator runs.</summary>
internal sealed class PermissionRule
{
    internal const string Section = "KafkaConnector:" + KafkaPermissionOptions.SectionName;
    internal const string Everything = "*";

    private static readonly string ActionNames = string.Join(", ", Enum.GetNames<KafkaConnectorAction>());

    private readonly string[] _roles;
    private readonly KafkaClaimRequirement[] _claims;
    private readonly HashSet<KafkaConnectorAction> _actions;
    private readonly Func<string, bool>[] _resources;

    private PermissionRule(string[] roles, KafkaClaimRequirement[] claims, HashSet<KafkaConnectorAction> actions, Func<string, bool>[] resources)
    {
        _roles = roles;
        _claims = claims;
        _actions = actions;
        _resources = resources;
    }

    /// <summary>Compiles every rule, adding one message per fault (naming the key and the value) to <paramref name="failures"/>.</summary>
    internal static List<PermissionRule> CompileAll(KafkaPermissionOptions options, List<string> failures)
    {
        var rules = new List<PermissionRule>(options.Rules.Count);
        for (var i = 0; i < options.Rules.Count; i++)
        {
            if (Compile(options.Rules[i], $"{Section}:Rules:{i}", failures) is { } rule)
            {
                rules.Add(rule);
            }
        }

        return rules;
    }

    /// <summary>Whether this rule allows <paramref name="action"/> on <paramref name="resource"/> to <paramref name="principal"/>.</summary>
    internal bool Allows(ClaimsPrincipal principal, KafkaConnectorAction action, string resource)
    {
        if (!_actions.Contains(action))
        {
            return false;
        }

        // Loops rather than LINQ: this runs on every checked produce.
        foreach (var matches in _resources)
        {
            if (matches(resource))
            {
                return Matches(principal);
            }
        }

        return false;
    }

    private bool Matches(ClaimsPrincipal principal)
    {
        // Only authenticated identities count: a role claim on an anonymous identity proves nothing.
        foreach (var identity in principal.Identities)
        {
            if (identity.IsAuthenticated
                && (_roles.Any(role => identity.HasClaim(identity.RoleClaimType, role))
                    || _claims.Any(c => c.Value is null ? identity.HasClaim(claim => string.Equals(claim.Type, c.Type, StringComparison.OrdinalIgnoreCase)) : identity.HasClaim(c.Type!, c.Value))))
            {
                return true;
            }
        }

        return false;
    }

    private static PermissionRule? Compile(KafkaPermissionRule? rule, string key, List<string> failures)
    {
        if (rule is null)
        {
            failures.Add($"{key} is empty.");
            return null;
        }

        var before = failures.Count;
        if (rule.Roles.Count == 0 && rule.Claims.Count == 0)
        {
            failures.Add($"{key} names no one: set Roles or Claims.");
        }

        for (var j = 0; j < rule.Roles.Count; j++)
        {
            if (string.IsNullOrWhiteSpace(rule.Roles[j]))
            {
                failures.Add($"{key}:Roles:{j} is empty.");
            }
        }

        for (var j = 0; j < rule.Claims.Count; j++)
        {
            if (string.IsNullOrWhiteSpace(rule.Claims[j]?.Type))
            {
                failures.Add($"{key}:Claims:{j}:Type is required.");
            }
        }

        var actions = CompileActions(rule.Actions, key, failures);
        var resources = CompileResources(rule.Resources, key, failures);
        return failures.Count > before ? null : new PermissionRule([.. rule.Roles], [.. rule.Claims], actions, resources);
    }

    private static HashSet<KafkaConnectorAction> CompileActions(IList<string> names, string key, List<string> failures)
    {
        var actions = new HashSet<KafkaConnectorAction>();
        if (names.Count == 0)
        {
            failures.Add($"{key}:Actions is empty: list actions ({ActionNames}) or '*'.");
        }

        for (var j = 0; j < names.Count; j++)
        {
            var name = names[j]?.Trim();
            if (name == Everything)
            {
                actions.UnionWith(Enum.GetValues<KafkaConnectorAction>());
            }
            else if (!string.IsNullOrEmpty(name) && char.IsLetter(name[0]) && Enum.TryParse<KafkaConnectorAction>(name, ignoreCase: true, out var action))
            {
                actions.Add(action);
            }
            else
            {
                failures.Add($"{key}:Actions:{j} = '{names[j]}' is not an action; use one of {ActionNames}, or '*'.");
            }
        }

        return actions;
    }

    private static Func<string, bool>[] CompileResources(IList<string> entries, string key, List<string> failures)
    {
        if (entries.Count == 0)
        {
            failures.Add($"{key}:Resources is empty: list topic or connector names, wildcards such as 'orders-*', or '*'.");
        }

        var matchers = new List<Func<string, bool>>(entries.Count);
        for (var j = 0; j < entries.Count; j++)
        {
            var entry = entries[j]?.Trim();
            if (string.IsNullOrEmpty(entry))
            {
                failures.Add($"{key}:Resources:{j} is empty.");
            }
            else if (entry == Everything)
            {
                matchers.Add(_ => true);
            }
            else if (entry.StartsWith('^'))
            {
                if (IsRegex(entry, out var reason))
                {
                    // A pattern subscription is allowed only as written: whether one regular expression stays within another is not decidable here.
                    matchers.Add(resource => string.Equals(resource, entry, StringComparison.Ordinal));
                }
                else
                {
                    failures.Add($"{key}:Resources:{j} = '{entries[j]}' is not a valid regular expression: {reason}");
                }
            }
            else if (entry.Contains('*', StringComparison.Ordinal))
            {
                var glob = new Regex("^" + Regex.Escape(entry).Replace("\\*", ".*", StringComparison.Ordinal) + "$", RegexOptions.CultureInvariant | RegexOptions.Singleline | RegexOptions.NonBacktracking);
                matchers.Add(resource => !resource.StartsWith('^') && glob.IsMatch(resource));
            }
            else
            {
                matchers.Add(resource => string.Equals(resource, entry, StringComparison.Ordinal));
            }
        }

        return [.. matchers];
    }

    private static bool IsRegex(string pattern, out string? reason)
    {
        try
        {
            _ = new Regex(pattern, RegexOptions.None, TimeSpan.FromSeconds(1));
            reason = null;
            return true;
        }
        catch (ArgumentException e)
        {
            reason = e.Message;
            return false;
        }
    }
}
