using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using KafkaConnector.Messages;
using KafkaConnector.Testing;

namespace KafkaConnector.Tests;

/// <summary>
/// What the connector puts on the wire is plain Kafka: kcat (librdkafka, but not through
/// Confluent.Kafka) and kafka-python (an implementation of the protocol of its own) read it byte
/// for byte, and what they write arrives intact.
/// </summary>
public sealed class WireCompatibilityTests(KafkaFixture fixture)
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(60);

    /// <summary>Debian's python3, which python3-kafka installs into (a python3 earlier on PATH may be another one without it).</summary>
    private const string Python = "/usr/bin/python3";
    private const string PythonKafkaMissing = "kafka-python is not installed: /usr/bin/python3 cannot import kafka (apt-get install python3-kafka; .ci/run installs it)";

    // argv: bootstrap, topic, key (hex), value (hex), header name, header value (hex).
    private const string PythonProduce = """
        import sys, kafka
        bootstrap, topic, key, value, header, header_value = sys.argv[1:]
        producer = kafka.KafkaProducer(bootstrap_servers=bootstrap)
        producer.send(topic, key=bytes.fromhex(key), value=bytes.fromhex(value), headers=[(header, bytes.fromhex(header_value))]).get(timeout=60)
        producer.close()
        """;

    // argv: bootstrap, topic. Prints the first record as JSON, bytes in hex; nothing if none came within a minute.
    private const string PythonConsumeOne = """
        import json, sys, kafka
        bootstrap, topic = sys.argv[1:]
        consumer = kafka.KafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest", consumer_timeout_ms=60000)
        for record in consumer:
            print(json.dumps({"key": record.key.hex(), "value": record.value.hex(), "headers": [[name, value.hex()] for name, value in record.headers]}))
            break
        consumer.close()
        """;
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

    /// <summary>Runs <paramref name="script"/> with Debian's python3 and kafka-python; skips the test when they are missing.</summary>
    private static async Task<string> PythonKafkaAsync(string script, string[] arguments, CancellationToken ct)
    {
        if (!File.Exists(Python))
        {
            Assert.Skip($"{Python} is not installed (apt-get install python3-kafka; .ci/run installs it)");
        }

        var (canImport, _, _) = await RunPythonAsync("import kafka", [], ct);
        if (canImport != 0)
        {
            Assert.Skip(PythonKafkaMissing);
        }

        var (exitCode, output, errors) = await RunPythonAsync(script, arguments, ct);
        Assert.True(exitCode == 0, $"kafka-python script exited {exitCode}: {errors}");
        return output;
    }

    private static async Task<(int ExitCode, string Output, string Errors)> RunPythonAsync(string script, string[] arguments, CancellationToken ct)
    {
        var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments.Prepend(script).Prepend("-c"))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var errors = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct).WaitAsync(WaitLimit * 2, ct);
        return (process.ExitCode, await output, await errors);
    }

    [Fact]
    public async Task KeyedMessageProducedByKafkaPython_ArrivesIntactThroughConsumeReactive()
    {
        var ct = TestContext.Current.CancellationToken;
        var topic = await _cluster.CreateNewTopicAsync("wire-in-python", 2, ct);
        byte[] key = "device-ü"u8.ToArray();
        byte[] value = [0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff, (byte)'\n'];
        await PythonKafkaAsync(PythonProduce, [_cluster.BootstrapServers, topic, Convert.ToHexString(key), Convert.ToHexString(value), "source", Convert.ToHexString("kafka-python"u8)], ct);
        await using var host = ConnectorHost.Create(_cluster);
        var received = new ConcurrentQueue<KafkaMessage>();

        using (host.Api.ConsumeReactive(_cluster.NewGroupId(), [topic]).Subscribe(received.Enqueue))
        {
            await Eventually.UntilAsync(() => !received.IsEmpty, WaitLimit, () => "the kafka-python message", ct);
        }

        var message = Assert.Single(received);
        Assert.Equal(key, message.Key);
        Assert.Equal(value, message.Value);
        Assert.Equal("kafka-python", message.HeaderAsString("source"));
        Assert.Single(message.Headers);
    }

    [Fact]
    public async Task MessageProducedByTheConnector_IsReadByteForByteByKafkaPython()
    {
        var ct = TestContext.Current.CancellationToken;
        var topic = await _cluster.CreateNewTopicAsync("wire-out-python", 1, ct);
        await using var host = ConnectorHost.Create(_cluster);
        byte[] key = "key-ü"u8.ToArray();
        byte[] value = [0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff, (byte)'\n'];
        byte[] trace = [0x00, 0xff, (byte)'a'];
        await host.Api.ProduceAsync(new KafkaMessage(topic, key, value) { Headers = new Confluent.Kafka.Headers { { "trace", trace } } }, ct);

        var output = await PythonKafkaAsync(PythonConsumeOne, [_cluster.BootstrapServers, topic], ct);

        Assert.False(string.IsNullOrWhiteSpace(output), $"kafka-python read nothing from {topic} within a minute");
        using var record = JsonDocument.Parse(output);
        Assert.Equal(key, Convert.FromHexString(record.RootElement.GetProperty("key").GetString()!));
        Assert.Equal(value, Convert.FromHexString(record.RootElement.GetProperty("value").GetString()!));
        // A span listener in a parallel test turns tracing on process-wide, adding W3C trace context.
        var header = Assert.Single(record.RootElement.GetProperty("headers").EnumerateArray()
            .Where(h => h[0].GetString() is not ("traceparent" or "tracestate" or "baggage")).ToList());
        Assert.Equal("trace", header[0].GetString());
        Assert.Equal(trace, Convert.FromHexString(header[1].GetString()!));
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
        Assert.Contains("trace=abc", prefix[1].Split(',')); // plus W3C trace headers when a trace is active
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
