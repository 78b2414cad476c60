using System.Runtime.InteropServices;
using System.Text;
using Confluent.Kafka;
using KafkaConnector.EmbeddedKafka.Native;
using KafkaConnector.Native;

namespace KafkaConnector.EmbeddedKafka;

/// <summary>
/// A Kafka-protocol broker cluster inside this process: librdkafka's mock cluster, listening on
/// 127.0.0.1 ephemeral ports. Any Kafka client (Confluent.Kafka here, kcat or another process)
/// can connect to <see cref="BootstrapServers"/>. It supports produce, fetch, consumer groups and
/// offsets, and fault injection; it does not support the admin protocol (CreateTopics, ACLs, …):
/// create topics with <see cref="CreateTopic"/>. See docs/embedded-broker.md for its limits.
/// </summary>
/// <remarks>All members are thread-safe. Broker ids run from 1 to <see cref="BrokerCount"/>.</remarks>
public sealed class EmbeddedKafkaCluster : IDisposable, IAsyncDisposable
{
    /// <summary>The librdkafka version whose mock cluster API this class was written against.</summary>
    public const string SupportedLibrdkafkaVersion = "2.15.1";

    /// <summary>Pass as a broker id to address every broker at once.</summary>
    public const int AllBrokers = -1;

    private const int SupportedVersionHex = 0x020f01ff;
    private const int VersionMask = ~0xff; // the last byte is the pre-release id

    private readonly Lock _lock = new();
    private nint _owner;
    private nint _cluster;

    private EmbeddedKafkaCluster(nint owner, nint cluster, int brokerCount, string bootstrapServers)
    {
        _owner = owner;
        _cluster = cluster;
        BrokerCount = brokerCount;
        BootstrapServers = bootstrapServers;
    }

    /// <summary>The <c>bootstrap.servers</c> value for clients, e.g. <c>127.0.0.1:41234,127.0.0.1:38111</c>.</summary>
    public string BootstrapServers { get; }

    /// <summary>How many brokers the cluster has.</summary>
    public int BrokerCount { get; }

    /// <summary>
    /// Starts a cluster of <paramref name="brokerCount"/> brokers. Consumer groups join without the
    /// broker's initial rebalance delay, so tests do not wait 3 s per group, and broker 1 is the
    /// controller, so unsupported admin requests fail at once rather than time out.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="brokerCount"/> is below 1.</exception>
    /// <exception cref="InvalidOperationException">The loaded librdkafka is not <see cref="SupportedLibrdkafkaVersion"/>, or the cluster cannot start.</exception>
    public static EmbeddedKafkaCluster Start(int brokerCount = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(brokerCount, 1);
        EnsureSupportedNativeVersion();

        var owner = CreateOwnerHandle();
        var cluster = MockClusterNative.ClusterNew(owner, brokerCount);
        if (cluster == 0)
        {
            MockClusterNative.KafkaDestroy(owner);
            throw new InvalidOperationException($"librdkafka could not start a mock cluster of {brokerCount} broker(s).");
        }

        MockClusterNative.GroupInitialRebalanceDelayMs(cluster, 0);
        // With a controller in its metadata, admin requests the mock does not serve fail at once
        // (Local_UnsupportedFeature) instead of waiting request.timeout.ms for a controller.
        MockClusterNative.SetControllerId(cluster, 1);
        var bootstraps = Marshal.PtrToStringUTF8(MockClusterNative.ClusterBootstraps(cluster)) ?? string.Empty;
        return new EmbeddedKafkaCluster(owner, cluster, brokerCount, bootstraps);
    }

    /// <summary>Creates a topic (the mock broker does not serve the CreateTopics admin request).</summary>
    /// <exception cref="ArgumentException">The name is empty.</exception>
    /// <exception cref="KafkaException">The broker refused, e.g. the topic exists.</exception>
    public void CreateTopic(string name, int partitions = 1, int replicationFactor = 1)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(replicationFactor, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(replicationFactor, BrokerCount);
        Check(Call(c => MockClusterNative.TopicCreate(c, name, partitions, replicationFactor)), $"create topic '{name}'");
    }

    /// <summary>Deletes a topic and its partitions.</summary>
    /// <exception cref="KafkaException">The topic does not exist.</exception>
    public void DeleteTopic(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Check(Call(c => MockClusterNative.TopicDelete(c, name)), $"delete topic '{name}'");
    }

    /// <summary>Makes <paramref name="topic"/> report <paramref name="error"/> in metadata responses (<see cref="ErrorCode.NoError"/> clears it).</summary>
    public void SetTopicError(string topic, ErrorCode error)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        Call(c =>
        {
            MockClusterNative.TopicSetError(c, topic, (int)error);
            return 0;
        });
    }

    /// <summary>Moves the leadership of a partition to <paramref name="brokerId"/> (-1: no leader).</summary>
    public void SetPartitionLeader(string topic, int partition, int brokerId) =>
        Check(Call(c => MockClusterNative.PartitionSetLeader(c, topic, partition, brokerId)), $"set leader of {topic}[{partition}]");

    /// <summary>Disconnects a broker (or <see cref="AllBrokers"/>) and refuses new connections. Leadership does not move.</summary>
    public void SetBrokerDown(int brokerId) =>
        Check(Call(c => MockClusterNative.BrokerSetDown(c, brokerId)), $"set broker {brokerId} down");

    /// <summary>Lets a broker (or <see cref="AllBrokers"/>) accept connections again.</summary>
    public void SetBrokerUp(int brokerId) =>
        Check(Call(c => MockClusterNative.BrokerSetUp(c, brokerId)), $"set broker {brokerId} up");

    /// <summary>Delays every response of a broker (or <see cref="AllBrokers"/>) by <paramref name="roundTripTime"/>.</summary>
    public void SetRoundTripTime(int brokerId, TimeSpan roundTripTime)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(roundTripTime, TimeSpan.Zero);
        Check(Call(c => MockClusterNative.BrokerSetRtt(c, brokerId, (int)roundTripTime.TotalMilliseconds)), $"set RTT of broker {brokerId}");
    }

    /// <summary>Sets the controller id reported in metadata (-1: no controller).</summary>
    public void SetControllerId(int brokerId) => Call(c =>
    {
        MockClusterNative.SetControllerId(c, brokerId);
        return 0;
    });

    /// <summary>Sets the broker's <c>group.initial.rebalance.delay.ms</c> (classic protocol; 0 after <see cref="Start"/>).</summary>
    public void SetGroupInitialRebalanceDelay(TimeSpan delay) => Call(c =>
    {
        MockClusterNative.GroupInitialRebalanceDelayMs(c, (int)delay.TotalMilliseconds);
        return 0;
    });

    /// <summary>Sets the KIP-848 (<c>group.protocol=consumer</c>) session timeout and heartbeat interval.</summary>
    public void SetConsumerGroupProtocolTimings(TimeSpan sessionTimeout, TimeSpan heartbeatInterval) => Call(c =>
    {
        MockClusterNative.SetGroupConsumerSessionTimeoutMs(c, (int)sessionTimeout.TotalMilliseconds);
        MockClusterNative.SetGroupConsumerHeartbeatIntervalMs(c, (int)heartbeatInterval.TotalMilliseconds);
        return 0;
    });

    /// <summary>
    /// Makes the next requests of type <paramref name="apiKey"/> fail, one error per request in
    /// order (<see cref="ErrorCode.Local_Transport"/> disconnects the client instead).
    /// </summary>
    public void PushRequestErrors(KafkaApiKey apiKey, params ErrorCode[] errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (errors.Length == 0)
        {
            return;
        }

        var codes = Array.ConvertAll(errors, e => (int)e);
        Call(c =>
        {
            MockClusterNative.PushRequestErrorsArray(c, (short)apiKey, (nuint)codes.Length, codes);
            return 0;
        });
    }

    /// <summary>Drops the errors still queued for <paramref name="apiKey"/>.</summary>
    public void ClearRequestErrors(KafkaApiKey apiKey) => Call(c =>
    {
        MockClusterNative.ClearRequestErrors(c, (short)apiKey);
        return 0;
    });

    /// <summary>Stops every broker and frees the cluster. Clients still connected see the brokers go away.</summary>
    public void Dispose()
    {
        nint cluster, owner;
        lock (_lock)
        {
            (cluster, owner) = (_cluster, _owner);
            (_cluster, _owner) = (0, 0);
        }

        if (cluster != 0)
        {
            MockClusterNative.ClusterDestroy(cluster);
            MockClusterNative.KafkaDestroy(owner);
        }
    }

    /// <inheritdoc cref="Dispose"/>
    public ValueTask DisposeAsync()
    {
        // Destroying the cluster joins librdkafka's broker threads: keep that off the caller's context.
        return new ValueTask(Task.Run(Dispose));
    }

    /// <summary>
    /// Throws unless the librdkafka in this process is the one the mock bindings were written for.
    /// </summary>
    internal static void EnsureSupportedNativeVersion()
    {
        // Throws the one clear message when librdkafka cannot load; binds the mock calls to Confluent.Kafka's copy.
        LibrdkafkaLibrary.EnsureLoaded();
        var clientVersion = Library.VersionString;
        int loaded;
        try
        {
            loaded = MockClusterNative.Version();
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            throw new InvalidOperationException(
                $"The embedded Kafka broker needs librdkafka {SupportedLibrdkafkaVersion} (the one Confluent.Kafka loads, reported as '{clientVersion}'), but it could not be loaded: {e.Message}", e);
        }

        if ((loaded & VersionMask) != (SupportedVersionHex & VersionMask))
        {
            throw new InvalidOperationException(
                $"The embedded Kafka broker was written for librdkafka {SupportedLibrdkafkaVersion}, but version 0x{loaded:x8} ('{clientVersion}') is loaded. " +
                "The mock cluster API has no ABI promise across versions; reference the librdkafka.redist version that matches.");
        }
    }

    private static unsafe nint CreateOwnerHandle()
    {
        var conf = MockClusterNative.ConfNew();
        var errstr = stackalloc byte[512];
        // The owner only hosts the mock brokers: keep its own log to errors.
        if (MockClusterNative.ConfSet(conf, "log_level", "3", errstr, 512) != 0)
        {
            MockClusterNative.ConfDestroy(conf);
            throw new InvalidOperationException("librdkafka refused log_level for the mock cluster owner: " + ReadError(errstr));
        }

        var rk = MockClusterNative.KafkaNew(MockClusterNative.ProducerType, conf, errstr, 512);
        if (rk == 0)
        {
            MockClusterNative.ConfDestroy(conf);
            throw new InvalidOperationException("librdkafka could not create the mock cluster owner: " + ReadError(errstr));
        }

        return rk;
    }

    private static unsafe string ReadError(byte* errstr) =>
        Encoding.UTF8.GetString(MemoryMarshal.CreateReadOnlySpanFromNullTerminated(errstr));

    private int Call(Func<nint, int> action)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_cluster == 0, this);
            return action(_cluster);
        }
    }

    private static void Check(int error, string what)
    {
        if (error != 0)
        {
            var code = (ErrorCode)error;
            throw new KafkaException(new Error(code, $"Embedded broker could not {what}: {code}"));
        }
    }
}
