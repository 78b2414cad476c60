using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Text;
using KafkaConnector.Native;

namespace KafkaConnector.Configuration;

/// <summary>
/// Asks librdkafka itself whether a property name and value are valid, without creating a client:
/// <c>rd_kafka_conf_set</c> on a scratch configuration. Same native library Confluent.Kafka loads.
/// </summary>
internal static partial class NativeConfigProbe
{
    private const int ConfUnknown = -2;
    private const int ConfOk = 0;

    private static readonly ConcurrentDictionary<string, bool> KnownNames = new(StringComparer.Ordinal);

    static NativeConfigProbe() => LibrdkafkaLibrary.Register(typeof(NativeConfigProbe).Assembly);

    /// <summary>Returns null when librdkafka accepts the property, else its reason.</summary>
    internal static string? Check(string name, string value) => Set(name, value).Error;

    /// <summary>
    /// Whether librdkafka has a property of this name (global or topic level), whatever its value.
    /// </summary>
    /// <remarks>
    /// Asked with <c>rd_kafka_conf_set</c>, whose result tells an unknown name (-2) from a bad
    /// value (-1). <c>rd_kafka_conf_get</c> on a fresh configuration cannot: it also answers -2 for
    /// known properties that have no value yet (<c>bootstrap.servers</c>, <c>sasl.password</c>) and
    /// for topic-level ones (<c>acks</c>).
    /// </remarks>
    internal static bool IsKnown(string name) =>
        KnownNames.GetOrAdd(name, static n => Set(n, string.Empty).Result != ConfUnknown);

    private static (int Result, string? Error) Set(string name, string value)
    {
        LibrdkafkaLibrary.EnsureLoaded();
        var conf = ConfNew();
        try
        {
            var error = new byte[512];
            var result = ConfSet(conf, name, value, error, (nuint)error.Length);
            return (result, result == ConfOk ? null : Encoding.UTF8.GetString(error, 0, Math.Max(0, Array.IndexOf(error, (byte)0))));
        }
        finally
        {
            ConfDestroy(conf);
        }
    }

    [LibraryImport("librdkafka", EntryPoint = "rd_kafka_conf_new")]
    private static partial nint ConfNew();

    [LibraryImport("librdkafka", EntryPoint = "rd_kafka_conf_destroy")]
    private static partial void ConfDestroy(nint conf);

    [LibraryImport("librdkafka", EntryPoint = "rd_kafka_conf_set", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int ConfSet(nint conf, string name, string value, [Out] byte[] errstr, nuint errstrSize);
}
