using Microsoft.Playwright;

namespace Switchboard.Dashboard.Tests.Infrastructure;

/// <summary>
/// One server process on loopback (with the dashboard its build produced), a cuttable relay in
/// front of it, API keys, and headless Debian Chromium; shared by the browser tests.
/// </summary>
public sealed class DashboardServer : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "sb-dash-" + Guid.NewGuid().ToString("N"));
    private ServerProcess? _server;
    private IPlaywright? _playwright;

    public CuttableProxy Proxy { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public string AgentKey { get; private set; } = "";

    public string ViewerKey { get; private set; } = "";

    public Uri ServerAddress => _server!.BaseAddress;

    public async Task InitializeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        Directory.CreateDirectory(_dataDirectory);
        AgentKey = (await ServerProcess.RunCommandAsync(_dataDirectory, cts.Token, "keys", "create", "--scope", "agent", "--name", "browser-tests")).Output.Trim();
        ViewerKey = (await ServerProcess.RunCommandAsync(_dataDirectory, cts.Token, "keys", "create", "--scope", "viewer", "--name", "browser-tests")).Output.Trim();
        _server = await ServerProcess.StartAsync(_dataDirectory, cts.Token);
        Proxy = new CuttableProxy(_server.BaseAddress);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Timeout = 60_000,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    /// <summary>A fresh browser context that reaches the server through the relay, signed in with the viewer key.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Proxy.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1600, Height = 1000 },
            ColorScheme = ColorScheme.Dark,
            ExtraHTTPHeaders = new Dictionary<string, string> { ["Authorization"] = "Bearer " + ViewerKey },
        });
        context.SetDefaultTimeout(15_000);
        return await context.NewPageAsync();
    }

    public TestAgent NewAgent() => new(_server!.BaseAddress, AgentKey);

    public Simulator StartSimulator(params string[] args) => Simulator.Start(_server!.BaseAddress, AgentKey, args);

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        if (Proxy is not null)
        {
            await Proxy.DisposeAsync();
        }

        _server?.Dispose();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

[CollectionDefinition(Name)]
public sealed class DashboardCollection : ICollectionFixture<DashboardServer>
{
    public const string Name = "dashboard";
}
