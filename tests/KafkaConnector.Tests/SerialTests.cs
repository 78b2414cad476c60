namespace KafkaConnector.Tests;

/// <summary>Tests that measure the whole process (threads) run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialTests
{
    public const string Name = "Serial";
}

/// <summary>librdkafka names its threads "rdk:…"; Linux shows thread names in /proc.</summary>
internal static class NativeThreads
{
    public static int Count() => Directory.EnumerateDirectories("/proc/self/task")
        .Count(task =>
        {
            try
            {
                return File.ReadAllText(Path.Combine(task, "comm")).StartsWith("rdk:", StringComparison.Ordinal);
            }
            catch (IOException)
            {
                return false; // the thread ended while we looked
            }
        });
}
