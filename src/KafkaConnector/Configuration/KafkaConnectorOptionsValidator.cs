using System.Text.RegularExpressions;
using KafkaConnector.Native;
using Microsoft.Extensions.Options;

namespace KafkaConnector.Configuration;

/// <summary>
/// Checks <see cref="KafkaConnectorOptions"/> at start-up. Each failure names the configuration key
/// and the value at fault (secrets redacted); native properties are checked by librdkafka itself,
/// Confluent.Kafka's <c>dotnet.*</c> ones by <see cref="ConfluentConfigProperties"/>.
/// </summary>
internal sealed partial class KafkaConnectorOptionsValidator : IValidateOptions<KafkaConnectorOptions>
{
    private const string Section = KafkaConnectorOptions.SectionName;

    /// <summary>Kafka's limit on topic names; the node topic is the longest system topic.</summary>
    private const int MaxTopicNameLength = 249;

    public ValidateOptionsResult Validate(string? name, KafkaConnectorOptions options)
    {
        try
        {
            LibrdkafkaLibrary.EnsureLoaded();
        }
        catch (InvalidOperationException e)
        {
            // Nothing else can be checked, nor run, without the native client: say only this.
            return ValidateOptionsResult.Fail(e.Message);
        }

        var failures = new List<string>();

        CheckBootstrapServers(failures, options);

        foreach (var (sectionName, section) in new[] { ("All", options.All), ("Producer", options.Producer), ("Consumer", options.Consumer), ("Admin", options.Admin) })
        {
            foreach (var (key, value) in section)
            {
                var property = KafkaClientFactory.NormalizeKey(key);
                if (ConfluentConfigProperties.IsDotnet(property))
                {
                    var problem = ConfluentConfigProperties.Check(sectionName, property, value ?? string.Empty);
                    if (problem is not null)
                    {
                        failures.Add($"{Section}:{sectionName}:{key} = {Show(key, value, ConfluentConfigProperties.IsKnown(property))} {problem}.");
                    }

                    continue;
                }

                var reason = NativeConfigProbe.Check(property, value ?? string.Empty);
                if (reason is not null)
                {
                    failures.Add($"{Section}:{sectionName}:{key} = {Show(key, value, NativeConfigProbe.IsKnown(property))} is not a valid Kafka client property: {reason}");
                }
            }
        }

        if (failures.Count == 0)
        {
            CheckClient(failures, "Producer", options.All, options.Producer, KafkaClientFactory.ProducerDefaults, consumer: false);
            CheckClient(failures, "Consumer", options.All, options.Consumer, KafkaClientFactory.ConsumerDefaults, consumer: true);
        }

        CheckIdentity(failures, "Layer", options.Layer);
        CheckIdentity(failures, "NodeId", options.NodeId);
        if (string.IsNullOrEmpty(options.Layer) != string.IsNullOrEmpty(options.NodeId))
        {
            var (set, missing) = string.IsNullOrEmpty(options.NodeId) ? ("Layer", "NodeId") : ("NodeId", "Layer");
            failures.Add($"{Section}:{set} is set but {Section}:{missing} is not: a cluster node needs both (or neither, for a service without cluster features).");
        }

        Positive(failures, "System:MaxConsumerThreads", options.System.MaxConsumerThreads);
        Positive(failures, "System:PollInterval", options.System.PollInterval);
        Positive(failures, "Reactive:MaxConsumerThreads", options.Reactive.MaxConsumerThreads);
        Positive(failures, "Reactive:BufferSize", options.Reactive.BufferSize);
        Positive(failures, "Reactive:CommitInterval", options.Reactive.CommitInterval);
        Positive(failures, "Reactive:PollInterval", options.Reactive.PollInterval);
        Positive(failures, "ShutdownTimeout", options.ShutdownTimeout);
        if (options.StartupBrokerTimeout < TimeSpan.Zero)
        {
            failures.Add($"{Section}:StartupBrokerTimeout = {options.StartupBrokerTimeout} must be zero (do not wait) or more.");
        }
        if (options.System.TopicPrefix is null || (options.System.TopicPrefix.Length > 0 && !TopicNamePart().IsMatch(options.System.TopicPrefix)))
        {
            failures.Add($"{Section}:System:TopicPrefix = '{options.System.TopicPrefix}' must be letters, digits, '.', '_' or '-'.");
        }

        if (options.System.ReplicationFactor is 0 or < -1)
        {
            failures.Add($"{Section}:System:ReplicationFactor = {options.System.ReplicationFactor} must be -1 (broker default) or at least 1.");
        }

        if (options.Dispatch.MaxRetries < 0)
        {
            failures.Add($"{Section}:Dispatch:MaxRetries = {options.Dispatch.MaxRetries} must be 0 or more.");
        }

        if (string.IsNullOrEmpty(options.Dispatch.DeadLetterTopicSuffix) || !TopicNamePart().IsMatch(options.Dispatch.DeadLetterTopicSuffix))
        {
            failures.Add($"{Section}:Dispatch:DeadLetterTopicSuffix = '{options.Dispatch.DeadLetterTopicSuffix}' must be letters, digits, '.', '_' or '-'.");
        }

        Positive(failures, "Dispatch:RetryBackoff", options.Dispatch.RetryBackoff);
        Positive(failures, "Dispatch:MaxRetryBackoff", options.Dispatch.MaxRetryBackoff);
        Positive(failures, "Dispatch:MaxInFlight", options.Dispatch.MaxInFlight);
        Positive(failures, "Dispatch:CommitInterval", options.Dispatch.CommitInterval);
        Positive(failures, "Dispatch:RevocationTimeout", options.Dispatch.RevocationTimeout);
        Positive(failures, "Cluster:AnnounceInterval", options.Cluster.AnnounceInterval);
        Positive(failures, "Cluster:RequestTimeout", options.Cluster.RequestTimeout);
        Positive(failures, "Cluster:TopicCreationTimeout", options.Cluster.TopicCreationTimeout);
        if (options.Cluster.MemberTimeout <= options.Cluster.AnnounceInterval)
        {
            failures.Add($"{Section}:Cluster:MemberTimeout = {options.Cluster.MemberTimeout} must be longer than Cluster:AnnounceInterval ({options.Cluster.AnnounceInterval}), or live nodes would be seen leaving.");
        }
        Positive(failures, "ProduceQueueFullTimeout", options.ProduceQueueFullTimeout);

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Whether the key of a known property holds a secret whose value must never be shown.</summary>
    /// <remarks>librdkafka's own list decides (<see cref="SensitiveProperties"/>); Confluent.Kafka's <c>dotnet.*</c> properties hold none.</remarks>
    internal static bool IsSecret(string key) =>
        !ConfluentConfigProperties.IsDotnet(KafkaClientFactory.NormalizeKey(key)) && SensitiveProperties.IsSecret(KafkaClientFactory.NormalizeKey(key));

    /// <summary>
    /// The value as a message may show it. A key no client knows may be a misspelt secret
    /// (<c>sasl.passwrd</c>), so its value is never shown; a known key's is, unless it is a secret.
    /// </summary>
    private static string Show(string key, string? value, bool known) => !known || IsSecret(key) ? "'***'" : $"'{value}'";

    /// <summary>
    /// Every producer and consumer needs <c>bootstrap.servers</c>, from <c>All</c> or its own section.
    /// When validation runs, <c>KAFKA_BOOTSTRAP_SERVERS</c> has already filled <c>All</c> if it was set.
    /// </summary>
    private static void CheckBootstrapServers(List<string> failures, KafkaConnectorOptions options)
    {
        static bool Has(IDictionary<string, string> section) => section.Any(p =>
            KafkaClientFactory.NormalizeKey(p.Key) == "bootstrap.servers" && !string.IsNullOrWhiteSpace(p.Value));

        var producer = Has(options.Producer);
        var consumer = Has(options.Consumer);
        if (Has(options.All) || (producer && consumer))
        {
            return;
        }

        var variable = Microsoft.Extensions.DependencyInjection.KafkaConnectorServiceCollectionExtensions.BootstrapServersVariable;
        if (!producer && !consumer)
        {
            failures.Add($"{Section}:All:bootstrap.servers is required (or the {variable} environment variable, or bootstrap.servers in both the Producer and Consumer sections).");
            return;
        }

        var (set, missing) = producer ? ("Producer", "Consumer") : ("Consumer", "Producer");
        failures.Add(
            $"{Section}:{missing}:bootstrap.servers is required: {Section}:{set}:bootstrap.servers reaches {set.ToLowerInvariant()}s only. "
            + $"Set {Section}:All:bootstrap.servers or the {variable} environment variable (the {set} section still wins for {set.ToLowerInvariant()}s), "
            + $"or {Section}:{missing}:bootstrap.servers.");
    }

    /// <summary>Conflicts between properties that librdkafka finds only when it creates a client.</summary>
    private static void CheckClient(
        List<string> failures,
        string section,
        IDictionary<string, string> all,
        IDictionary<string, string> own,
        IReadOnlyDictionary<string, string> defaults,
        bool consumer)
    {
        var config = KafkaClientFactory.Merge(defaults, all, own);
        var reason = NativeConfigProbe.CheckClient(config, consumer);
        if (reason is null)
        {
            return;
        }

        var userSetIdempotence = all.Concat(own).Any(p => KafkaClientFactory.NormalizeKey(p.Key) == "enable.idempotence");
        var hint = reason.Contains("enable.idempotence", StringComparison.Ordinal) && !userSetIdempotence
            ? $" The connector turns enable.idempotence on by default; set {Section}:{section}:enable.idempotence = false to use these settings."
            : string.Empty;
        failures.Add(SecretScrubber.For(config).Scrub(
            $"{Section}:{section}: librdkafka refuses this {section.ToLowerInvariant()} configuration (defaults, All, then {section}): {reason}.{hint}"));
    }

    private static void CheckIdentity(List<string> failures, string key, string? value)
    {
        if (value is null)
        {
            return;
        }

        if (!TopicNamePart().IsMatch(value))
        {
            failures.Add($"{Section}:{key} = '{value}' must be letters, digits, '.', '_' or '-' (it becomes part of topic names).");
        }
        else if (value.Length > MaxTopicNameLength / 2)
        {
            failures.Add($"{Section}:{key} = '{value}' is too long: topic names built from it would exceed {MaxTopicNameLength} characters.");
        }
    }

    private static void Positive(List<string> failures, string key, int value)
    {
        if (value < 1)
        {
            failures.Add($"{Section}:{key} = {value} must be at least 1.");
        }
    }

    private static void Positive(List<string> failures, string key, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            failures.Add($"{Section}:{key} = {value} must be greater than zero.");
        }
    }

    [GeneratedRegex("^[A-Za-z0-9._-]+$")]
    private static partial Regex TopicNamePart();
}
