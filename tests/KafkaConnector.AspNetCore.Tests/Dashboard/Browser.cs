using Microsoft.Playwright;

namespace KafkaConnector.AspNetCore.Tests.Dashboard;

/// <summary>Debian's chromium driven by Playwright, headless, in a fresh profile (no browser download: its flags keep it off the network).</summary>
internal sealed class Browser : IAsyncDisposable
{
    public const string Chromium = "/usr/bin/chromium";
    private readonly IPlaywright _playwright;
    private readonly string _profile;

    private Browser(IPlaywright playwright, IBrowserContext context, string profile)
    {
        _playwright = playwright;
        Context = context;
        _profile = profile;
    }

    public IBrowserContext Context { get; }

    public static async Task<Browser> LaunchAsync(IDictionary<string, string> headers)
    {
        if (!File.Exists(Chromium))
        {
            Assert.Skip($"{Chromium} is missing (apt-get install chromium; .ci/run installs it)");
        }

        var playwright = await Playwright.CreateAsync();
        var profile = Directory.CreateTempSubdirectory("kc-chromium-").FullName;
        var context = await playwright.Chromium.LaunchPersistentContextAsync(profile, new BrowserTypeLaunchPersistentContextOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
            ExtraHTTPHeaders = headers,
            ViewportSize = new ViewportSize { Width = 1400, Height = 900 },
        });
        return new Browser(playwright, context, profile);
    }

    /// <summary>Where screenshots go: <c>artifacts/dashboard/</c> at the repository's root.</summary>
    public static string ArtifactPath(string file)
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "KafkaConnector.sln")))
        {
            directory = directory.Parent;
        }

        var folder = Path.Combine(directory?.FullName ?? AppContext.BaseDirectory, "artifacts", "dashboard");
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, file);
    }

    public async ValueTask DisposeAsync()
    {
        await Context.CloseAsync();
        _playwright.Dispose();
        Directory.Delete(_profile, recursive: true);
    }
}
