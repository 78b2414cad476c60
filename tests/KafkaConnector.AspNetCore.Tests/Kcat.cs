using System.Diagnostics;

namespace KafkaConnector.AspNetCore.Tests;

/// <summary>Runs kcat (skips the test when it is not installed; <c>.ci/run</c> installs it).</summary>
internal static class Kcat
{
    public static async Task ProduceAsync(string bootstrap, string topic, string keyColonValueLines, CancellationToken ct)
    {
        var start = new ProcessStartInfo("kcat", $"-P -b {bootstrap} -t {topic} -K :") { RedirectStandardInput = true, RedirectStandardError = true };
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
            await process.StandardInput.WriteAsync(keyColonValueLines);
            process.StandardInput.Close();
            var errors = process.StandardError.ReadToEndAsync(ct);
            await process.WaitForExitAsync(ct).WaitAsync(TimeSpan.FromSeconds(60), ct);
            Assert.True(process.ExitCode == 0, $"kcat exited {process.ExitCode}: {await errors}");
        }
    }
}
