using System.Reflection;

namespace KafkaConnector.FaultTests.Harness;

/// <summary>Where the programs the suite starts were built.</summary>
internal static class SuiteFiles
{
    public static string BrokerTool => Metadata("BrokerToolPath");

    public static string FaultNode => Metadata("FaultNodePath");

    public static string Oracle => Path.Combine(AppContext.BaseDirectory, "Harness", "oracle.py");

    private static string Metadata(string key) => typeof(SuiteFiles).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}
