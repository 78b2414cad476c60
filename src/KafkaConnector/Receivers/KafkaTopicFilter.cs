using System.Text.RegularExpressions;
using KafkaConnector.Producers;

namespace KafkaConnector.Receivers;

/// <summary>
/// Which topics a receiver gets. Forms, combinable with commas:
/// <list type="bullet">
/// <item><c>orders</c>, <c>orders,payments</c>: exact topic names;</item>
/// <item><c>{broadcast}</c>: this node's layer broadcast topic; <c>{node}</c>: this node's own topic;</item>
/// <item><c>regex:^orders\..*</c>: every topic matching the expression, including topics created later.</item>
/// </list>
/// </summary>
public sealed partial class KafkaTopicFilter
{
    /// <summary>Placeholder for the layer's broadcast topic.</summary>
    public const string BroadcastPlaceholder = "{broadcast}";

    /// <summary>Placeholder for this node's own topic.</summary>
    public const string NodePlaceholder = "{node}";

    private const string RegexPrefix = "regex:";

    private KafkaTopicFilter(string text, IReadOnlyList<string> names, IReadOnlyList<Regex> patterns)
    {
        Text = text;
        Names = names;
        Patterns = patterns;
    }

    /// <summary>The filter as written.</summary>
    public string Text { get; }

    /// <summary>Exact names and placeholders.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Regular expressions, anchored with <c>^</c>.</summary>
    public IReadOnlyList<Regex> Patterns { get; }

    /// <summary>Whether the filter needs the node's cluster identity (uses a placeholder).</summary>
    public bool UsesPlaceholders => Names.Any(n => n is BroadcastPlaceholder or NodePlaceholder);

    /// <summary>Parses a filter.</summary>
    /// <exception cref="ArgumentException">An empty filter, an invalid topic name or an invalid expression; the message names it.</exception>
    public static KafkaTopicFilter Parse(string filter)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(filter);
        var names = new List<string>();
        var patterns = new List<Regex>();
        foreach (var part in filter.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (part.StartsWith(RegexPrefix, StringComparison.Ordinal))
            {
                var expression = part[RegexPrefix.Length..];
                if (expression.TrimStart('^').Length == 0)
                {
                    throw new ArgumentException($"Topic filter '{filter}': '{part}' has no expression after '{RegexPrefix}' (it would subscribe to every topic; write 'regex:.*' if that is meant).", nameof(filter));
                }

                expression = expression.StartsWith('^') ? expression : "^" + expression;
                try
                {
                    patterns.Add(new Regex(expression, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)));
                }
                catch (ArgumentException e)
                {
                    throw new ArgumentException($"Topic filter '{filter}': '{part}' is not a valid regular expression: {e.Message}", nameof(filter), e);
                }

                // librdkafka subscribes with its own, smaller expression engine: no inline options
                // such as (?i), no (?:...) groups. Refused here rather than by the consumer, fatally, later.
                if (!Configuration.NativeConfigProbe.IsSubscribable(expression))
                {
                    throw new ArgumentException(
                        $"Topic filter '{filter}': '{part}' is valid in .NET but librdkafka, which subscribes with it, cannot compile it: it knows no inline options such as (?i) and no (?:...) or look-around groups; write e.g. [Oo]rders-[0-9]+.",
                        nameof(filter));
                }
            }
            else if (part is BroadcastPlaceholder or NodePlaceholder)
            {
                names.Add(part);
            }
            else
            {
                try
                {
                    MessageValidator.ValidateTopicName(part, nameof(filter));
                }
                catch (ArgumentException e)
                {
                    throw new ArgumentException($"Topic filter '{filter}': {e.Message.Split(" (Parameter")[0]}", nameof(filter), e);
                }

                names.Add(part);
            }
        }

        if (names.Count == 0 && patterns.Count == 0)
        {
            throw new ArgumentException($"Topic filter '{filter}' names no topic.", nameof(filter));
        }

        return new KafkaTopicFilter(filter, names.Distinct(StringComparer.Ordinal).ToArray(), patterns);
    }

    /// <summary>The exact topics, placeholders replaced by <paramref name="topics"/> (null: the node has no identity).</summary>
    internal IEnumerable<string> ResolveNames(KafkaClusterTopicNames? topics) => Names.Select(n => n switch
    {
        BroadcastPlaceholder => topics?.Broadcast ?? throw MissingIdentity(),
        NodePlaceholder => topics?.Node ?? throw MissingIdentity(),
        _ => n,
    });

    internal bool Matches(string topic, KafkaClusterTopicNames? topics) =>
        ResolveNames(topics).Contains(topic, StringComparer.Ordinal) || Patterns.Any(p => p.IsMatch(topic));

    private InvalidOperationException MissingIdentity() =>
        new($"Topic filter '{Text}' uses {BroadcastPlaceholder} or {NodePlaceholder}, which need KafkaConnector:Layer and KafkaConnector:NodeId.");

    /// <inheritdoc />
    public override string ToString() => Text;
}
