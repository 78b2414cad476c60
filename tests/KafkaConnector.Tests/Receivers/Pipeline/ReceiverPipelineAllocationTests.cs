using System.Diagnostics;
using KafkaConnector.Messages;
using KafkaConnector.Receivers;
using KafkaConnector.Receivers.Pipeline;
using Microsoft.Extensions.DependencyInjection;

namespace KafkaConnector.Tests.Receivers.Pipeline;

/// <summary>
/// What the pipeline allocates per successful message, on the calling thread (a receiver that
/// completes synchronously keeps the whole call there). Serial: a trace or metrics listener of
/// another test would make spans and measurements allocate. Measured on an optimised build only: a
/// Debug build allocates every async state machine on the heap.
/// </summary>
[Collection(SerialTests.Name)]
public sealed class ReceiverPipelineAllocationTests
{
    private const int Messages = 10_000;

    [Fact]
    public async Task ASingletonReceiverWithoutStages_AllocatesNothingPerMessage()
    {
        await using var harness = new PipelineHarness();

        var perMessage = Measure(harness, PipelineHarness.Singleton(new NoOpReceiver()));

        Assert.True(perMessage < 1, $"expected no allocation per message, measured {perMessage:0.##} B");
    }

    [Fact]
    public async Task WithAStage_OnlyTheContextIsAllocatedPerMessage()
    {
        await using var harness = new PipelineHarness(b => b.AddReceiverStage<PassStage>());

        var perMessage = Measure(harness, PipelineHarness.Singleton(new NoOpReceiver()));

        Assert.True(perMessage <= 96, $"expected at most the context (96 B) per message, measured {perMessage:0.##} B");
    }

    private static double Measure(PipelineHarness harness, ReceiverRegistration registration)
    {
        var debuggable = typeof(ReceiverInvoker).Assembly.GetCustomAttributes(typeof(DebuggableAttribute), false).OfType<DebuggableAttribute>().SingleOrDefault();
        Assert.SkipWhen(debuggable?.IsJITOptimizerDisabled == true, "allocations are measured on a Release build of the connector");
        var message = PipelineHarness.Message("m");
        for (var i = 0; i < 100; i++)
        {
            Run(harness, registration, message); // builds the pipeline once, warms up
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Messages; i++)
        {
            Run(harness, registration, message);
        }

        return (GC.GetAllocatedBytesForCurrentThread() - before) / (double)Messages;
    }

    private static void Run(PipelineHarness harness, ReceiverRegistration registration, KafkaMessage message)
    {
        var task = harness.InvokeAsync(registration, message);
        Assert.True(task.IsCompletedSuccessfully, "a synchronous receiver completes the pipeline synchronously");
    }

    private sealed class NoOpReceiver : IKafkaMessageReceiver
    {
        public Task ReceiveAsync(KafkaMessage message, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class PassStage : IKafkaReceiverStage
    {
        public ValueTask InvokeAsync(KafkaReceiveContext context, KafkaReceiveHandler nextHandler) => nextHandler(context);
    }
}
