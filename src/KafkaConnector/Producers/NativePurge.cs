using System.Reflection;
using System.Runtime.InteropServices;
using Confluent.Kafka;
using KafkaConnector.Native;

namespace KafkaConnector.Producers;

/// <summary>
/// <c>rd_kafka_purge</c>, which Confluent.Kafka does not expose: at a bounded shutdown it turns
/// every message still queued or in flight into a delivery report with <c>Local_PurgeQueue</c> or
/// <c>Local_PurgeInflight</c>, so callbacks and awaiting callers learn the message was not
/// delivered instead of waiting forever. The native handle is read from Confluent.Kafka's
/// internal <c>Handle.LibrdkafkaHandle</c> (pinned to the referenced version); if that member is
/// missing, <see cref="TryPurge"/> returns false and the caller reports the count instead.
/// </summary>
internal static partial class NativePurge
{
    private const int PurgeQueue = 0x1;
    private const int PurgeInFlight = 0x2;

    private static readonly PropertyInfo? LibrdkafkaHandle =
        typeof(Handle).GetProperty("LibrdkafkaHandle", BindingFlags.Instance | BindingFlags.NonPublic);

    static NativePurge() => LibrdkafkaLibrary.Register(typeof(NativePurge).Assembly);

    internal static bool TryPurge(IProducer<byte[], byte[]> producer)
    {
        if (LibrdkafkaHandle?.GetValue(producer.Handle) is not SafeHandle { IsInvalid: false } handle)
        {
            return false;
        }

        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            return Purge(handle.DangerousGetHandle(), PurgeQueue | PurgeInFlight) == 0;
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    [LibraryImport("librdkafka", EntryPoint = "rd_kafka_purge")]
    private static partial int Purge(nint rk, int flags);
}
