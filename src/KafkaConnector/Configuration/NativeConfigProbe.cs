using System.Runtime.InteropServices;
using System.Text;

namespace KafkaConnector.Configuration;

/// <summary>
/// Asks librdkafka itself whether a property name and value are valid, without creating a client:
/// <c>rd_kafka_conf_set</c> on a scratch configuration. Same native library Confluent.Kafka loads.
/// </summary>
internal static partial class NativeConfigProbe
{
    private const int ConfOk = 0;

    /// <summary>Returns null when librdkafka accepts the property, else its reason.</summary>
    internal static string? Check(string name, string value)
    {
        _ = Confluent.Kafka.Library.VersionString; // load Confluent.Kafka's librdkafka first
        var conf = ConfNew();
        try
        {
            var error = new byte[512];
            return ConfSet(conf, name, value, error, (nuint)error.Length) == ConfOk
                ? null
                : Encoding.UTF8.GetString(error, 0, Math.Max(0, Array.IndexOf(error, (byte)0)));
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
