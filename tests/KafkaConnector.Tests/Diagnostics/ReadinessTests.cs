using System.Reflection;
using System.Runtime.InteropServices;
using Confluent.Kafka;
using KafkaConnector.Diagnostics;
using KafkaConnector.Native;
using KafkaConnector.Receivers;
using KafkaConnector.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace KafkaConnector.Tests.Diagnostics;

/// <summary>A node whose consumer failed for good never looks ready again.</summary>
public sealed class ReadinessTests(KafkaFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate ErrorCode TestFatalError(nint client, ErrorCode error, [MarshalAs(UnmanagedType.LPUTF8Str)] string reason);

    [Fact]
    public async Task AFatalConsumerError_FaultsWaitUntilReady_AndTheStatusReadinessReads()
    {
        await using var node = await NodeHost.StartAsync(fixture.Cluster, NodeHost.NewLayer(), "n");
        var status = node.Host.Services.GetRequiredService<IKafkaConnectorStatus>();
        Assert.True(status.GetDispatcherStatus() is { IsReady: true, FatalError: null });

        // librdkafka's own test hook raises a fatal error on the node's consumer, as fencing would.
        RaiseFatalError(node.Host.Services.GetRequiredService<KafkaDispatcher>(), "fenced by a newer instance");

        await Eventually.UntilAsync(() => node.Cluster.WaitUntilReadyAsync(Ct).IsFaulted, TimeSpan.FromSeconds(30), () => $"WaitUntilReadyAsync to fault; dispatcher fatal: {status.GetDispatcherStatus().FatalError}, stopped: {status.GetDispatcherStatus().HasStopped}", Ct);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => node.Cluster.WaitUntilReadyAsync(Ct));
        Assert.Contains("The node's consumer failed and the node cannot work", error.Message, StringComparison.Ordinal);
        Assert.Contains("fenced by a newer instance", error.Message, StringComparison.Ordinal);
        // What the readiness check (KafkaConnector.HealthChecks, kafka-ready) turns into Unhealthy.
        Assert.Contains("fenced by a newer instance", status.GetDispatcherStatus().FatalError, StringComparison.Ordinal);
    }

    private static void RaiseFatalError(KafkaDispatcher dispatcher, string reason)
    {
        var consumer = (IConsumer<byte[], byte[]>)typeof(KafkaDispatcher).GetField("_consumer", BindingFlags.Instance | BindingFlags.NonPublic)!.GetValue(dispatcher)!;
        var handle = (SafeHandle)typeof(Handle).GetProperty("LibrdkafkaHandle", BindingFlags.Instance | BindingFlags.NonPublic)!.GetValue(consumer.Handle)!;
        var raise = Marshal.GetDelegateForFunctionPointer<TestFatalError>(NativeLibrary.GetExport(LibrdkafkaLibrary.EnsureLoaded(), "rd_kafka_test_fatal_error"));
        Assert.Equal(ErrorCode.NoError, raise(handle.DangerousGetHandle(), ErrorCode.FencedInstanceId, reason));
    }
}
