using Microsoft.Extensions.Options;

namespace KafkaConnector.Security;

/// <summary>Checks the permission rules at start-up; each failure names the configuration key and the value.</summary>
internal sealed class KafkaPermissionOptionsValidator : IValidateOptions<KafkaPermissionOptions>
{
    public ValidateOptionsResult Validate(string? name, KafkaPermissionOptions options)
    {
        var failures = new List<string>();
        PermissionRule.CompileAll(options, failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
