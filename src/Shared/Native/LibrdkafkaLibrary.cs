using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace KafkaConnector.Native;

/// <summary>
/// Binds this assembly's <c>librdkafka</c> P/Invokes to the very file Confluent.Kafka loaded, and
/// turns "librdkafka cannot load here" into one message that names the missing library and the fix.
/// </summary>
/// <remarks>
/// librdkafka.redist ships several Linux builds (<c>librdkafka.so</c>, <c>centos8-librdkafka.so</c>,
/// <c>alpine-librdkafka.so</c>) and Confluent.Kafka takes the first that loads. The plain x64 one
/// needs <c>libsasl2.so.3</c>, which Debian and Ubuntu lack, so there Confluent.Kafka runs on the
/// centos8 build while a bare <c>DllImport("librdkafka")</c> would resolve to the plain one and
/// fail, or, worse, load a second copy whose handles are not Confluent.Kafka's. Compiled into every
/// assembly of the project that calls librdkafka directly (linked source, internal).
/// </remarks>
internal static partial class LibrdkafkaLibrary
{
    internal const string Name = "librdkafka";

    private static readonly Lock Gate = new();
    private static readonly HashSet<Assembly> Registered = [];
    private static nint s_handle;

    /// <summary>
    /// Routes <paramref name="assembly"/>'s <c>librdkafka</c> imports to Confluent.Kafka's library.
    /// Idempotent; call before the first P/Invoke (a static constructor of the importing class).
    /// </summary>
    internal static void Register(Assembly assembly)
    {
        lock (Gate)
        {
            if (Registered.Add(assembly))
            {
                NativeLibrary.SetDllImportResolver(assembly, static (name, _, _) => name == Name ? EnsureLoaded() : 0);
            }
        }
    }

    /// <summary>
    /// Loads librdkafka the way Confluent.Kafka does and returns its handle; throws
    /// <see cref="InvalidOperationException"/> with the cause and the fix when it cannot load.
    /// </summary>
    internal static nint EnsureLoaded()
    {
        lock (Gate)
        {
            if (s_handle != 0)
            {
                return s_handle;
            }

            try
            {
                _ = Confluent.Kafka.Library.VersionString;
            }
            catch (Exception e) when (e is DllNotFoundException or BadImageFormatException or EntryPointNotFoundException or TypeInitializationException)
            {
                throw new InvalidOperationException(Explain(Candidates()), e);
            }

            s_handle = FindLoadedCopy() ?? throw new InvalidOperationException(
                "Confluent.Kafka loaded librdkafka, but no file of it could be found to bind KafkaConnector's own calls to: " +
                string.Join(", ", Candidates()) + ". Keep librdkafka.redist's runtimes folder in the output (docs/native-library.md).");
            return s_handle;
        }
    }

    /// <summary>The files Confluent.Kafka tries, in its order, that exist in this application.</summary>
    internal static IReadOnlyList<string> Candidates()
    {
        var names = OperatingSystem.IsWindows() ? ["librdkafka.dll"]
            : OperatingSystem.IsMacOS() ? ["librdkafka.dylib"]
            : new[] { "librdkafka.so", "centos8-librdkafka.so", "alpine-librdkafka.so" };
        var rid = $"{(OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : "linux")}-{RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant()}";
        var confluentDirectory = Path.GetDirectoryName(typeof(Confluent.Kafka.Library).Assembly.Location);
        var directories = new[] { confluentDirectory, AppContext.BaseDirectory }
            .Where(d => !string.IsNullOrEmpty(d))
            .SelectMany(d => new[] { Path.Combine(d!, "runtimes", rid, "native"), d! })
            .Distinct(StringComparer.Ordinal);
        return [.. directories.SelectMany(d => names.Select(n => Path.Combine(d, n))).Where(File.Exists)];
    }

    /// <summary>
    /// The one message for a librdkafka that cannot load: every file tried with the reason, the
    /// missing shared libraries by name, and what to do.
    /// </summary>
    internal static string Explain(IReadOnlyList<string> candidates)
    {
        var lines = new List<string> { "KafkaConnector cannot start: librdkafka, the native Kafka client under Confluent.Kafka, does not load on this machine." };
        var missing = new SortedSet<string>(StringComparer.Ordinal);
        if (candidates.Count == 0)
        {
            lines.Add("No librdkafka file is in the application: the native assets of librdkafka.redist were excluded or trimmed.");
        }

        foreach (var path in candidates)
        {
            var reason = LoadError(path);
            if (reason is null)
            {
                lines.Add($"{path} loads, but Confluent.Kafka did not find it (a custom Library.Load path or a trimmed deps.json?).");
                continue;
            }

            var needs = MissingLibrary().Matches(reason).Select(m => m.Groups[1].Value).Distinct().ToList();
            missing.UnionWith(needs);
            lines.Add(needs.Count > 0 ? $"{path} needs {string.Join(", ", needs)}, not installed." : $"{path}: {reason}");
        }

        if (missing.Contains("libsasl2.so.3"))
        {
            lines.Add("libsasl2.so.3 is RHEL's name for Cyrus SASL; Debian and Ubuntu (and the mcr.microsoft.com/dotnet images) ship libsasl2.so.2.");
        }

        lines.Add("Fix: keep librdkafka.redist's centos8-librdkafka.so (linux-x64, needs only glibc) in the output, or reference KafkaConnector.Native.Librdkafka built by eng/native/librdkafka-fallback.sh; see docs/native-library.md, \"Deploying on Debian and Ubuntu\".");
        return string.Join(Environment.NewLine + "  ", lines);
    }

    private static string? LoadError(string path)
    {
        try
        {
            NativeLibrary.Free(NativeLibrary.Load(path));
            return null;
        }
        catch (DllNotFoundException e)
        {
            return e.Message;
        }
        catch (BadImageFormatException e)
        {
            return e.Message;
        }
    }

    /// <summary>
    /// The file Confluent.Kafka has loaded: on Linux read from the process's memory map (exact even
    /// after <c>Library.Load(path)</c>), elsewhere the first candidate in Confluent.Kafka's order.
    /// </summary>
    private static nint? FindLoadedCopy()
    {
        if (OperatingSystem.IsLinux() && File.Exists("/proc/self/maps"))
        {
            var mapped = File.ReadLines("/proc/self/maps")
                .Select(line => line.IndexOf('/', StringComparison.Ordinal) is var at and >= 0 ? line[at..] : null)
                .Where(path => path is not null && Path.GetFileName(path).Contains("rdkafka", StringComparison.Ordinal) && path.Contains(".so", StringComparison.Ordinal))
                .Distinct(StringComparer.Ordinal)
                .ToList();
            if (mapped.Count == 1 && NativeLibrary.TryLoad(mapped[0]!, out var exact))
            {
                return exact;
            }
        }

        foreach (var path in Candidates())
        {
            if (NativeLibrary.TryLoad(path, out var handle))
            {
                return handle;
            }
        }

        return NativeLibrary.TryLoad(Name, typeof(Confluent.Kafka.Library).Assembly, null, out var probed) ? probed : null;
    }

    [GeneratedRegex(@"([\w.+-]+\.so(?:\.\d+)*): cannot open shared object file")]
    private static partial Regex MissingLibrary();
}
