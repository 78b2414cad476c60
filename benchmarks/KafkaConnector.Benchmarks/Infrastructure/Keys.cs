using System.Globalization;
using System.Text;

namespace KafkaConnector.Benchmarks.Infrastructure;

internal static class Keys
{
    /// <summary><paramref name="count"/> distinct UTF-8 keys, <c>key-0000</c> onwards.</summary>
    public static byte[][] Create(int count) =>
        [.. Enumerable.Range(0, count).Select(i => Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"key-{i:0000}")))];
}
