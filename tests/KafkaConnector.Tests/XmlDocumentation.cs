using System.Xml.Linq;

namespace KafkaConnector.Tests;

/// <summary>
/// The XML documentation the build generates for KafkaConnector (what IntelliSense shows), so
/// that tests can hold a doc comment to the behaviour it describes.
/// </summary>
internal static class XmlDocumentation
{
    private static readonly Lazy<XDocument> Document = new(() =>
        XDocument.Load(Path.ChangeExtension(typeof(IKafkaConnectorSystemApi).Assembly.Location, ".xml")));

    /// <summary>The summary of a member by its documentation id (<c>T:…</c>, <c>P:…</c>, <c>M:…</c>), whitespace collapsed; a cref reads as its id.</summary>
    public static string Summary(string memberId)
    {
        var member = Document.Value.Descendants("member").SingleOrDefault(m => (string?)m.Attribute("name") == memberId);
        Assert.True(member is not null, $"no documentation for {memberId}");
        var summary = member.Element("summary")!;
        var text = string.Concat(summary.DescendantNodes().Select(n => n switch
        {
            XText t => t.Value,
            XElement { Name.LocalName: "see" } e => (string?)e.Attribute("cref") ?? (string?)e.Attribute("langword") ?? string.Empty,
            _ => string.Empty,
        }));
        return string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
    }
}
