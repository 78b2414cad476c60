using System.Reflection;
using KafkaConnector.Messages;

namespace KafkaConnector.Tests;

public sealed class KafkaConnectorSystemApiExtensionsTests
{
    [Fact]
    public void Documentation_NamesWhatTheClassHas_AndNothingElse()
    {
        var doc = XmlDocumentation.Summary("T:KafkaConnector.KafkaConnectorSystemApiExtensions");
        var methods = typeof(KafkaConnectorSystemApiExtensions).GetMethods(BindingFlags.Public | BindingFlags.Static);

        Assert.All(methods, m => Assert.Contains(m.Name, doc, StringComparison.Ordinal));
        Assert.All(methods, m => Assert.Equal(typeof(IObservable<KafkaMessage>), m.ReturnType)); // consumption only
        Assert.DoesNotContain("text/JSON conveniences", doc, StringComparison.Ordinal);
    }
}
