using KafkaConnector.Receivers;

namespace KafkaConnector.Tests.Receivers;

public sealed class KafkaTopicFilterTests
{
    [Theory]
    [InlineData("regex:")]
    [InlineData("orders,regex:^")]
    public void EmptyExpression_IsRefused_RatherThanSubscribingToEveryTopic(string filter)
    {
        var error = Assert.Throws<ArgumentException>(() => KafkaTopicFilter.Parse(filter));

        Assert.Contains("has no expression after 'regex:'", error.Message, StringComparison.Ordinal);
        Assert.Contains($"Topic filter '{filter}'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(@"regex:(?i)orders-\d+")]
    [InlineData("regex:(?:orders|payments)-.*")]
    public void ExpressionValidInDotnetButNotInLibrdkafka_IsRefusedAtParse(string filter)
    {
        var error = Assert.Throws<ArgumentException>(() => KafkaTopicFilter.Parse(filter));

        Assert.Contains("librdkafka, which subscribes with it, cannot compile it", error.Message, StringComparison.Ordinal);
        Assert.Contains(filter, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(@"regex:orders-\d+")]
    [InlineData("regex:^[Oo]rders-[0-9]+$")]
    [InlineData("regex:(orders|payments)-.*")]
    public void ExpressionsLibrdkafkaCompiles_Parse(string filter) => Assert.Single(KafkaTopicFilter.Parse(filter).Patterns);

    [Fact]
    public void InvalidDotnetExpression_NamesThePart()
    {
        var error = Assert.Throws<ArgumentException>(() => KafkaTopicFilter.Parse("regex:(orders"));

        Assert.Contains("'regex:(orders' is not a valid regular expression", error.Message, StringComparison.Ordinal);
    }
}
