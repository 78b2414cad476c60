using Microsoft.Extensions.Options;

namespace KafkaConnector.Connect;

/// <summary>Rejects options that cannot reach a Connect worker, naming the configuration key and value.</summary>
internal sealed class KafkaConnectOptionsValidator(KafkaConnectSection section) : IValidateOptions<KafkaConnectOptions>
{
    /// <summary>The largest timeout <see cref="HttpClient.Timeout"/> accepts.</summary>
    internal static readonly TimeSpan MaxTimeout = TimeSpan.FromMilliseconds(int.MaxValue);

    public ValidateOptionsResult Validate(string? name, KafkaConnectOptions options)
    {
        var failures = new List<string>();
        var urlKey = section.Key(nameof(KafkaConnectOptions.Url));
        if (string.IsNullOrWhiteSpace(options.Url))
        {
            failures.Add($"{urlKey} is required: the base URL of the Kafka Connect REST API, such as http://localhost:8083; {(options.Url is null ? "it is not set" : $"the value is '{options.Url}'")}.");
        }
        else if (!TryParse(options.Url, out _))
        {
            failures.Add($"{urlKey} must be an absolute http or https URL with its scheme, such as http://localhost:8083; the value is '{KafkaConnectUrl.Redact(options.Url)}'.");
        }

        if (options.Timeout <= TimeSpan.Zero || options.Timeout > MaxTimeout)
        {
            failures.Add($"{section.Key(nameof(KafkaConnectOptions.Timeout))} must be greater than zero and at most {MaxTimeout:c}; the value is '{options.Timeout:c}'.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Accepts only absolute http and https URLs: "localhost:8083" parses as an absolute URI with scheme "localhost".</summary>
    internal static bool TryParse(string? url, out Uri uri)
    {
        uri = null!;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var parsed)
            || (parsed.Scheme != Uri.UriSchemeHttp && parsed.Scheme != Uri.UriSchemeHttps)
            || string.IsNullOrEmpty(parsed.Host))
        {
            return false;
        }

        uri = parsed;
        return true;
    }
}
