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

    /// <summary>
    /// Whether librdkafka treats <paramref name="name"/> as sensitive: true when its debug dump of
    /// a scratch client's configuration shows the value as <c>[redacted]</c>, false when it shows
    /// the value, null when it cannot tell (the property needs other properties or a setter).
    /// </summary>
    /// <remarks>
    /// librdkafka keeps its list of sensitive properties internal; the dump made at client
    /// creation with <c>debug=conf</c> is where it applies it. The scratch client has no brokers
    /// and lives a few milliseconds; the dump arrives on this thread (<c>log.queue</c> is off).
    /// </remarks>
    internal static unsafe bool? IsRedactedByLibrdkafka(string name)
    {
        LibrdkafkaLibrary.EnsureLoaded();
        foreach (var value in new[] { "kc-probe-value", "1", "true" })
        {
            lock (DumpGate)
            {
                var conf = ConfNew();
                var error = new byte[512];
                if (ConfSet(conf, name, value, error, (nuint)error.Length) != ConfOk
                    || ConfSet(conf, "debug", "conf", error, (nuint)error.Length) != ConfOk)
                {
                    ConfDestroy(conf);
                    continue;
                }

                s_dump = [];
                ConfSetLogCallback(conf, &CollectLog);
                var client = KafkaNew(0, conf, error, (nuint)error.Length); // takes conf on success
                if (client == 0)
                {
                    ConfDestroy(conf);
                    return null;
                }

                KafkaDestroy(client);
                // Lines read "[thrd:app]:   <name> = <value>", under the canonical name of an
                // alias (bootstrap.servers shows as metadata.broker.list): ours is the one line
                // that is not the probe's own setting.
                List<string> dump;
                lock (DumpLines)
                {
                    dump = [.. s_dump];
                }

                var ours = dump.Where(l => l.Contains(" = ", StringComparison.Ordinal) && !ProbeOwnLine().IsMatch(l)).ToList();
                s_dump = [];
                return ours.Count == 0 ? null : ours.Any(l => l.EndsWith("= [redacted]", StringComparison.Ordinal));
            }
        }

        return null;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\s(debug|log_cb|client\.software\.version) = ")]
    private static partial System.Text.RegularExpressions.Regex ProbeOwnLine();

    /// <summary>
    /// Whether librdkafka accepts <paramref name="config"/> as a whole for a client of the given
    /// kind: the checks across properties it makes only when a client is created (<c>acks=0</c>
    /// with idempotence, say). Returns null when it does, else its reason. The scratch client gets
    /// no brokers, so it connects nowhere, and is destroyed at once.
    /// </summary>
    internal static unsafe string? CheckClient(IEnumerable<KeyValuePair<string, string>> config, bool consumer)
    {
        LibrdkafkaLibrary.EnsureLoaded();
        var conf = ConfNew();
        var error = new byte[512];
        foreach (var (name, value) in config)
        {
            if (name is "bootstrap.servers" or "metadata.broker.list" || ConfluentConfigProperties.IsDotnet(name))
            {
                continue;
            }

            if (ConfSet(conf, name, value, error, (nuint)error.Length) != ConfOk)
            {
                ConfDestroy(conf);
                return ReadError(error); // reported property by property already; nothing more to learn
            }
        }

        ConfSetLogCallback(conf, &DiscardLog);
        var client = KafkaNew(consumer ? 1 : 0, conf, error, (nuint)error.Length);
        if (client == 0)
        {
            ConfDestroy(conf);
            return ReadError(error);
        }

        KafkaDestroy(client);
        return null;
    }

    /// <summary>
    /// Whether librdkafka can subscribe to the expression <paramref name="regex"/> (starting with
    /// <c>^</c>): its subscribe call compiles every pattern before anything is sent. Asked on a
    /// scratch consumer without brokers (a few milliseconds), remembered per expression.
    /// </summary>
    internal static bool IsSubscribable(string regex) => Subscribable.GetOrAdd(regex, CompilesForSubscribe);

    private static unsafe bool CompilesForSubscribe(string pattern)
    {
        LibrdkafkaLibrary.EnsureLoaded();
        var conf = ConfNew();
        var error = new byte[512];
        ConfSet(conf, "group.id", "kafkaconnector-pattern-check", error, (nuint)error.Length);
        ConfSetLogCallback(conf, &DiscardLog);
        var consumer = KafkaNew(1, conf, error, (nuint)error.Length);
        if (consumer == 0)
        {
            ConfDestroy(conf);
            throw new InvalidOperationException("librdkafka could not create the consumer that checks topic expressions: " + ReadError(error));
        }

        var list = PartitionListNew(1);
        try
        {
            PartitionListAdd(list, pattern, -1);
            return Subscribe(consumer, list) == 0;
        }
        finally
        {
            PartitionListDestroy(list);
            KafkaDestroy(consumer);
        }
    }

    private static readonly ConcurrentDictionary<string, bool> Subscribable = new(StringComparer.Ordinal);

    [LibraryImport("librdkafka", EntryPoint = "rd_kafka_topic_partition_list_new")]
    private static partial nint PartitionListNew(int size);

    [LibraryImport("librdkafka", EntryPoint = "rd_kafka_topic_partition_list_add", StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint PartitionListAdd(nint list, string topic, int partition);

    [LibraryImport("librdkafka", EntryPoint = "rd_kafka_topic_partition_list_destroy")]
    private static partial void PartitionListDestroy(nint list);

    [LibraryImport("librdkafka", EntryPoint = "rd_kafka_subscribe")]
    private static partial int Subscribe(nint consumer, nint topics);

    [System.Runtime.InteropServices.UnmanagedCallersOnly(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    private static unsafe void DiscardLog(nint client, int level, byte* facility, byte* message)
    {
    }

    private static string ReadError(byte[] error) => Encoding.UTF8.GetString(error, 0, Math.Max(0, Array.IndexOf(error, (byte)0)));

    private static readonly Lock DumpGate = new();
    private static List<string> s_dump = [];

    [System.Runtime.InteropServices.UnmanagedCallersOnly(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    private static unsafe void CollectLog(nint client, int level, byte* facility, byte* message)
    {
        // Called by librdkafka, possibly from a thread of its own: nothing may escape to native code.
        try
        {
            var line = Marshal.PtrToStringUTF8((nint)message) ?? string.Empty;
            lock (DumpLines)
            {
                s_dump.Add(line);
            }
        }
        catch (Exception)
        {
            // A line lost from the dump only makes the property count as secret.
        }
    }

    private static readonly Lock DumpLines = new();

    private static (int Result, string? Error) Set(string name, string value)
    {
        LibrdkafkaLibrary.EnsureLoaded();
        var conf = ConfNew();
        try
        {
            var error = new byte[512];
            var result = ConfSet(conf, name, value, error, (nuint)error.Length);
            return (result, result == ConfOk ? null : ReadError(error));
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

    [LibraryImport("librdkafka", EntryPoint = "rd_kafka_conf_set_log_cb")]
    private static unsafe partial void ConfSetLogCallback(nint conf, delegate* unmanaged[Cdecl]<nint, int, byte*, byte*, void> callback);

    [LibraryImport("librdkafka", EntryPoint = "rd_kafka_new")]
    private static partial nint KafkaNew(int type, nint conf, [Out] byte[] errstr, nuint errstrSize);

    [LibraryImport("librdkafka", EntryPoint = "rd_kafka_destroy")]
    private static partial void KafkaDestroy(nint client);

    [LibraryImport("librdkafka", EntryPoint = "rd_kafka_conf_set", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int ConfSet(nint conf, string name, string value, [Out] byte[] errstr, nuint errstrSize);
}
