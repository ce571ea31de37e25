using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Switchboard.Dashboard.Tests.Infrastructure;

/// <summary>
/// One server process on loopback (with the dashboard its build produced), a cuttable relay in
/// front of it, accounts (the bootstrapped admin, a supervisor), an agent key, and headless Debian
/// Chromium; shared by the browser tests.
/// </summary>
public class DashboardServer : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";
    public const string Supervisor = "ana";
    public const string AdminPassword = "admin-password-for-tests";
    public const string SupervisorPassword = "ana-password-for-tests";
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "sb-dash-" + Guid.NewGuid().ToString("N"));
    private ServerProcess? _server;
    private IPlaywright? _playwright;

    public CuttableProxy Proxy { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public string AgentKey { get; private set; } = "";

    public Uri ServerAddress => _server!.BaseAddress;

    /// <summary>Settings the server starts with beyond the tests' defaults.</summary>
    protected virtual string[] ServerArguments => [];

    public async Task InitializeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        Directory.CreateDirectory(_dataDirectory);
        AgentKey = (await ServerProcess.RunCommandAsync(_dataDirectory, cts.Token, "keys", "create", "--scope", "agent", "--name", "browser-tests")).Output.Trim();
        // The tests' calls go quiet while a page loads; on a slow machine a silence signal (15 points
        // after 16 s) would outrank the escalation (10 points) that the wallboard tests rank by.
        _server = await ServerProcess.StartAsync(_dataDirectory, cts.Token, ["--Accounts:LoginPermitsPerMinute=1000", "--Insights:SilenceSeconds=600", .. ServerArguments]);
        await CreateAccountsAsync(cts.Token);
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

    /// <summary>A fresh browser context that reaches the server through the relay; nobody signed in.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Proxy.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1600, Height = 1000 },
            ColorScheme = ColorScheme.Dark,
        });
        context.SetDefaultTimeout(20_000);
        return await context.NewPageAsync();
    }

    /// <summary>A page signed in through the login form.</summary>
    public async Task<IPage> SignedInPageAsync(string user = Supervisor, string password = SupervisorPassword, bool phone = false)
    {
        var page = phone ? await NewPhonePageAsync() : await NewPageAsync();
        await page.GotoAsync("/");
        await page.GetByLabel("Username").FillAsync(user);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Wallboard" })).ToBeVisibleAsync();
        return page;
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

    /// <summary>A person signed in to the API directly (not through the browser), for set-up or to act beside the browser.</summary>
    public Task<ApiSession> ApiAsync(string user = Supervisor, string password = SupervisorPassword, CancellationToken cancellationToken = default) =>
        ApiSession.SignInAsync(_server!.BaseAddress, user, password, cancellationToken);

    /// <summary>Creates an account through the admin API and returns its username.</summary>
    public async Task<string> CreateUserAsync(string username, string role, string password, bool mustChangePassword, CancellationToken cancellationToken)
    {
        using var admin = await ApiAsync("admin", AdminPassword, cancellationToken);
        await admin.PostAsync("/api/v1/admin/users", new { username, password, role, skills = new[] { "*" }, mustChangePassword }, cancellationToken);
        return username;
    }

    /// <summary>A fresh page the size of a phone (390×844, touch, a phone's pixel ratio); nobody signed in.</summary>
    public async Task<IPage> NewPhonePageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Proxy.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 390, Height = 844 },
            DeviceScaleFactor = 3,
            IsMobile = true,
            HasTouch = true,
            ColorScheme = ColorScheme.Dark,
        });
        context.SetDefaultTimeout(20_000);
        return await context.NewPageAsync();
    }

    /// <summary>Signs in as the bootstrapped admin (password from the server's output), sets its password and creates the supervisor.</summary>
    private async Task CreateAccountsAsync(CancellationToken cancellationToken)
    {
        var bootstrap = await _server!.BootstrapPasswordAsync(cancellationToken);
        using var admin = await ApiSession.SignInAsync(_server!.BaseAddress, "admin", bootstrap, cancellationToken);
        await admin.PostAsync("/api/v1/auth/password", new { currentPassword = bootstrap, newPassword = AdminPassword }, cancellationToken);
        await admin.PostAsync("/api/v1/admin/users", new { username = Supervisor, password = SupervisorPassword, role = "supervisor", skills = new[] { "*" }, mustChangePassword = false }, cancellationToken);
    }
}

[CollectionDefinition(Name)]
public sealed class DashboardCollection : ICollectionFixture<DashboardServer>
{
    public const string Name = "dashboard";
}

/// <summary>A dashboard server that scores ended calls (the shared one does not, so other tests count a call's events exactly).</summary>
public sealed class ScoringDashboardServer : DashboardServer
{
    protected override string[] ServerArguments => ["--Scorecards:Enabled=true"];
}

[CollectionDefinition(Name)]
public sealed class ScoringDashboardCollection : ICollectionFixture<ScoringDashboardServer>
{
    public const string Name = "scoring dashboard";
}
