using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using KafkaConnector.Messages;
using KafkaConnector.Testing;

namespace KafkaConnector.Tests;

/// <summary>
/// What the connector puts on the wire is plain Kafka: kcat, an independent client, reads it
/// byte for byte, and what kcat writes arrives intact.
/// </summary>
public sealed class WireCompatibilityTests(KafkaFixture fixture)
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(60);
    private readonly KafkaTestCluster _cluster = fixture.Cluster;

    private static async Task<byte[]> KcatAsync(string arguments, string? input, CancellationToken ct)
    {
        var start = new ProcessStartInfo("kcat", arguments) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = input is not null };
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Assert.Skip("kcat is not installed (apt-get install kcat; .ci/run installs it)");
            throw;
        }

        using (process)
        {
            if (input is not null)
            {
                await process.StandardInput.WriteAsync(input);
                process.StandardInput.Close();
            }

            using var output = new MemoryStream();
            var copy = process.StandardOutput.BaseStream.CopyToAsync(output, ct); // raw bytes, no text decoding
            var errors = process.StandardError.ReadToEndAsync(ct);
            await process.WaitForExitAsync(ct).WaitAsync(WaitLimit, ct);
            await copy;
            Assert.True(process.ExitCode == 0, $"kcat {arguments} exited {process.ExitCode}: {await errors}");
            return output.ToArray();
        }
    }

    [Fact]
    public async Task MessageProducedByTheConnector_IsReadByteForByteByKcat()
    {
        var ct = TestContext.Current.CancellationToken;
        var topic = await _cluster.CreateNewTopicAsync("wire-out", 1, ct);
        await using var host = ConnectorHost.Create(_cluster);
        byte[] value = [0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff, (byte)'\n'];
        await host.Api.ProduceAsync(new KafkaMessage(topic, "key-ü"u8.ToArray(), value) { Headers = new Confluent.Kafka.Headers { { "trace", "abc"u8.ToArray() } } }, ct);

        // %k key, %h headers, %S value size, %s the value's raw bytes.
        var output = await KcatAsync($"-C -b {_cluster.BootstrapServers} -t {topic} -o beginning -c 1 -e -q -f \"%k|%h|%S|%s\"", null, ct);

        var separators = output.Select((b, i) => (b, i)).Where(p => p.b == (byte)'|').Take(3).Select(p => p.i).ToArray();
        var prefix = Encoding.UTF8.GetString(output, 0, separators[2]).Split('|');
        Assert.Equal("key-ü", prefix[0]);
        Assert.Equal("trace=abc", prefix[1]);
        Assert.Equal(value.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), prefix[2]);
        Assert.Equal(value, output[(separators[2] + 1)..]);
    }

    [Fact]
    public async Task KeyedMessageProducedByKcat_ArrivesIntactThroughConsumeReactive()
    {
        var ct = TestContext.Current.CancellationToken;
        var topic = await _cluster.CreateNewTopicAsync("wire-in", 2, ct);
        await KcatAsync($"-P -b {_cluster.BootstrapServers} -t {topic} -K : -H source=kcat", "device-42:{\"temp\":21.5}\n", ct);
        await using var host = ConnectorHost.Create(_cluster);
        var received = new ConcurrentQueue<KafkaMessage>();

        using (host.Api.ConsumeReactive(_cluster.NewGroupId(), [topic]).Subscribe(received.Enqueue))
        {
            await Eventually.UntilAsync(() => !received.IsEmpty, WaitLimit, () => "the kcat message", ct);
        }

        var message = Assert.Single(received);
        Assert.Equal("device-42", message.KeyAsString());
        Assert.Equal("{\"temp\":21.5}", message.ValueAsString());
        Assert.Equal("kcat", message.HeaderAsString("source"));
        Assert.Equal(21.5, message.ValueFromJson<Reading>()!.Temp);
    }

    private sealed record Reading(double Temp);
}
