using System.Security.Claims;
using Microsoft.Extensions.Options;

namespace KafkaConnector.Security;

/// <summary>
/// The default evaluator: allows what a configured rule allows to an authenticated caller, and
/// denies everything else.
/// </summary>
internal sealed class RulePermissionEvaluator : IKafkaPermissionEvaluator
{
    private readonly List<PermissionRule> _rules;

    public RulePermissionEvaluator(IOptions<KafkaPermissionOptions> options)
    {
        var failures = new List<string>();
        _rules = PermissionRule.CompileAll(options.Value, failures);
        if (failures.Count > 0)
        {
            // Unreachable through DI (the validator runs first); kept so that no rule is ever dropped silently.
            throw new InvalidOperationException(string.Join(Environment.NewLine, failures));
        }
    }

    public ValueTask<bool> IsAllowedAsync(ClaimsPrincipal principal, KafkaConnectorAction action, string resource, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(principal);
        ArgumentNullException.ThrowIfNull(resource);
        foreach (var rule in _rules)
        {
            if (rule.Allows(principal, action, resource))
            {
                return ValueTask.FromResult(true);
            }
        }

        return ValueTask.FromResult(false);
    }
}
