using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using KafkaConnector.Native;

namespace KafkaConnector.EmbeddedKafka.Tests.Native;

/// <summary>
/// The connector's own librdkafka calls bind to the file Confluent.Kafka loaded, and a librdkafka
/// that cannot load gives one message naming the missing library and the fix.
/// </summary>
public sealed class LibrdkafkaLibraryTests
{
    private static string OfficialPackage => typeof(LibrdkafkaLibraryTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "OfficialLibrdkafkaPackage").Value!;

    /// <summary>The official plain Linux x64 build, when it cannot load on this machine (Debian, Ubuntu).</summary>
    private static string UnloadableOfficialBinary()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture == Architecture.X64, "the official plain build is checked on linux-x64");
        var path = Path.Combine(OfficialPackage, "runtimes", "linux-x64", "native", "librdkafka.so");
        Assert.True(File.Exists(path), $"restore should have brought {path}");
        var loads = NativeLibrary.TryLoad(path, out var handle);
        if (loads)
        {
            NativeLibrary.Free(handle);
        }

        Assert.SkipWhen(loads, "the official plain build loads on this machine (it has libsasl2.so.3)");
        return path;
    }

    [Fact]
    public void EnsureLoaded_BindsToTheOneLibrdkafkaConfluentKafkaLoaded()
    {
        var handle = LibrdkafkaLibrary.EnsureLoaded();

        var version = Marshal.GetDelegateForFunctionPointer<VersionFunction>(NativeLibrary.GetExport(handle, "rd_kafka_version"));
        Assert.Equal(Confluent.Kafka.Library.Version, version());
        Assert.Equal(handle, LibrdkafkaLibrary.EnsureLoaded());
        if (OperatingSystem.IsLinux())
        {
            var mapped = File.ReadLines("/proc/self/maps")
                .Select(line => line.IndexOf('/', StringComparison.Ordinal) is var at and >= 0 ? line[at..] : "")
                .Where(path => Path.GetFileName(path).Contains("rdkafka", StringComparison.Ordinal))
                .Distinct()
                .ToList();
            Assert.True(mapped.Count == 1, $"one copy of librdkafka expected in the process, mapped: {string.Join(", ", mapped)}");
        }
    }

    [Fact]
    public void Explain_ThePlainOfficialBuildOnDebian_NamesLibsasl2AndTheFixInAFewLines()
    {
        var path = UnloadableOfficialBinary();

        var message = LibrdkafkaLibrary.Explain([path]);

        Assert.Contains($"{path} needs libsasl2.so.3, not installed.", message, StringComparison.Ordinal);
        Assert.Contains("Debian and Ubuntu", message, StringComparison.Ordinal);
        Assert.Contains("docs/native-library.md", message, StringComparison.Ordinal);
        Assert.InRange(message.Split('\n').Length, 3, 6);
    }

    [Fact]
    public void Explain_NoFileAtAll_SaysTheNativeAssetsAreMissing()
    {
        var message = LibrdkafkaLibrary.Explain([]);

        Assert.Contains("native assets of librdkafka.redist were excluded or trimmed", message, StringComparison.Ordinal);
        Assert.Contains("KafkaConnector.Native.Librdkafka", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BrokerTool_WithOnlyTheUnloadableOfficialBuild_ExitsWithTheOneClearError()
    {
        var ct = TestContext.Current.CancellationToken;
        var plain = UnloadableOfficialBinary();
        var tool = typeof(LibrdkafkaLibraryTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "BrokerToolPath").Value!;
        var copy = Directory.CreateTempSubdirectory("kc-native-").FullName;
        try
        {
            // The tool as a deployer might ship it: every librdkafka build gone but the plain one.
            CopyDirectory(Path.GetDirectoryName(tool)!, copy);
            foreach (var native in Directory.GetDirectories(Path.Combine(copy, "runtimes"), "native", SearchOption.AllDirectories))
            {
                Directory.Delete(native, recursive: true);
            }

            var target = Path.Combine(copy, "runtimes", "linux-x64", "native");
            Directory.CreateDirectory(target);
            File.Copy(plain, Path.Combine(target, "librdkafka.so"));

            var start = new ProcessStartInfo("dotnet", [Path.Combine(copy, Path.GetFileName(tool))]) { RedirectStandardOutput = true, RedirectStandardError = true };
            using var process = Process.Start(start)!;
            var stderr = process.StandardError.ReadToEndAsync(ct);
            await process.WaitForExitAsync(ct).WaitAsync(TimeSpan.FromSeconds(60), ct);
            var error = await stderr;

            Assert.True(process.ExitCode == 1, $"exit code 1 expected, got {process.ExitCode}; stderr:\n{error}");
            Assert.StartsWith("error: KafkaConnector cannot start: librdkafka", error, StringComparison.Ordinal);
            Assert.Contains("needs libsasl2.so.3, not installed.", error, StringComparison.Ordinal);
            Assert.Contains("docs/native-library.md", error, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int VersionFunction();

    private static void CopyDirectory(string from, string to)
    {
        foreach (var directory in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(directory.Replace(from, to, StringComparison.Ordinal));
        }

        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, file.Replace(from, to, StringComparison.Ordinal));
        }
    }
}
