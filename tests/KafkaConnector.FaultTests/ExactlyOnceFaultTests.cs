using System.Globalization;
using KafkaConnector.FaultTests.Harness;

namespace KafkaConnector.FaultTests;

/// <summary>
/// A transactional receiver's node killed with SIGKILL between processing and commit: what it wrote
/// stays invisible to read_committed readers, and the same node started again writes each output
/// exactly once. kafka-python decides what is committed from the commit and abort markers in the
/// log (the embedded broker does not filter read_committed fetches itself).
/// </summary>
[Collection(FaultSuite.Name)]
public sealed class ExactlyOnceFaultTests
{
    private const string Group = "eos";
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan ShutdownBound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task KillNineBetweenProcessingAndCommit_NothingVisible_TheRestartedNodeWritesEachOutputExactlyOnce()
    {
        PythonOracle.EnsureAvailable();
        await using var broker = StandaloneBroker.Start("input:4", "output:4");
        var written = PythonOracle.Produce(broker.BootstrapServers, "input", keys: 8, first: 1, count: 200);
        var layer = "e" + Guid.NewGuid().ToString("N")[..8];

        // First run: one transaction for the whole input (it cannot commit before the kill), stuck at value 150.
        await using (var first = new FaultNode(broker.BootstrapServers, layer, "t", "input", "output", failEvery: 0, hangKey: null)
            .Start("--transactional", Group, "--batch", "100000", "--batch-ms", "600000", "--hang-value", "150"))
        {
            var line = first.WaitForLine(l => l.StartsWith("hanging after ", StringComparison.Ordinal), Settle);
            var acknowledged = int.Parse(line.Split(' ')[2], CultureInfo.InvariantCulture);
            var beforeKill = PythonOracle.ReadTransactions(broker.BootstrapServers, "output");
            Assert.True(acknowledged > 0, "the first run should have written outputs in its open transaction");
            Assert.Equal(acknowledged, beforeKill.Open.Count);
            Assert.Empty(beforeKill.Committed);
            await first.KillAsync();
        }

        // The same node again (same transactional.id), in transactions of 50.
        await using var restarted = new FaultNode(broker.BootstrapServers, layer, "t", "input", "output", failEvery: 0, hangKey: null)
            .Start("--transactional", Group, "--batch", "50", "--batch-ms", "100");
        var deadline = DateTime.UtcNow + Settle;
        var view = PythonOracle.ReadTransactions(broker.BootstrapServers, "output");
        while (view.Committed.Count < written && DateTime.UtcNow < deadline)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken); // polling the broker, not synchronising
            view = PythonOracle.ReadTransactions(broker.BootstrapServers, "output");
        }

        var committed = view.Committed.Select(r => r.Value!).ToList();
        var expected = Enumerable.Range(1, written).Select(v => $"t:{v}").ToList();
        TestContext.Current.TestOutputHelper?.WriteLine($"committed {committed.Count}, aborted {view.Aborted.Count}, open {view.Open.Count} (the killed run's, never committed)");
        Assert.True(committed.Count == written, $"{committed.Count} outputs committed, {written} expected\n{restarted.Tail}\n{broker.Tail}");
        Assert.Equal(expected.Order(StringComparer.Ordinal), committed.Order(StringComparer.Ordinal)); // each exactly once
        Assert.DoesNotContain(committed.GroupBy(v => v), g => g.Count() > 1);
        Assert.InRange(await restarted.StopAsync(ShutdownBound), TimeSpan.Zero, ShutdownBound);
    }
}
