using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Switchboard.Dashboard.Tests.Infrastructure;

/// <summary>
/// One server process on loopback (with the dashboard its build produced), a cuttable relay in
/// front of it, accounts (the bootstrapped admin, a supervisor), an agent key, and headless Debian
/// Chromium; shared by the browser tests.
/// </summary>
public sealed partial class DashboardServer : IAsyncLifetime
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

    public async Task InitializeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        Directory.CreateDirectory(_dataDirectory);
        AgentKey = (await ServerProcess.RunCommandAsync(_dataDirectory, cts.Token, "keys", "create", "--scope", "agent", "--name", "browser-tests")).Output.Trim();
        _server = await ServerProcess.StartAsync(_dataDirectory, cts.Token, "--Accounts:LoginPermitsPerMinute=1000");
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
    public async Task<IPage> SignedInPageAsync(string user = Supervisor, string password = SupervisorPassword)
    {
        var page = await NewPageAsync();
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

    /// <summary>Signs in as the bootstrapped admin (password from the server's output), sets its password and creates the supervisor.</summary>
    private async Task CreateAccountsAsync(CancellationToken cancellationToken)
    {
        var bootstrap = await BootstrapPasswordAsync(cancellationToken);
        using var handler = new HttpClientHandler { CookieContainer = new CookieContainer() };
        using var http = new HttpClient(handler) { BaseAddress = _server!.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        var session = await PostAsync(http, null, "/api/v1/auth/login", new { username = "admin", password = bootstrap }, cancellationToken);
        session = await PostAsync(http, session, "/api/v1/auth/password", new { currentPassword = bootstrap, newPassword = AdminPassword }, cancellationToken);
        await PostAsync(http, session, "/api/v1/admin/users", new { username = Supervisor, password = SupervisorPassword, role = "supervisor", skills = new[] { "*" }, mustChangePassword = false }, cancellationToken);
    }

    private async Task<string> BootstrapPasswordAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            foreach (var line in _server!.Output)
            {
                if (BootstrapLine().Match(line) is { Success: true } m)
                {
                    return m.Groups[1].Value;
                }
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    private static async Task<JsonElement> PostAsync(HttpClient http, JsonElement? session, string path, object body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        if (session is { } s && s.TryGetProperty("antiforgery", out var token) && token.ValueKind == JsonValueKind.Object)
        {
            request.Headers.Add(token.GetProperty("headerName").GetString()!, token.GetProperty("token").GetString());
        }

        using var response = await http.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"{path} answered {(int)response.StatusCode}: {text}");
        var answer = JsonDocument.Parse(text).RootElement.Clone();
        return answer.TryGetProperty("antiforgery", out _) ? answer : session ?? answer;
    }

    [GeneratedRegex("password '([^']+)'")]
    private static partial Regex BootstrapLine();
}

[CollectionDefinition(Name)]
public sealed class DashboardCollection : ICollectionFixture<DashboardServer>
{
    public const string Name = "dashboard";
}
