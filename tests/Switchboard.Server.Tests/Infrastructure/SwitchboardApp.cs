using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Server.Identity;

namespace Switchboard.Server.Tests.Infrastructure;

/// <summary>
/// The real server in-process with its own SQLite file in a fresh temporary directory.
/// Settings may be added before the first use of <see cref="WebApplicationFactory{T}.Services"/>.
/// </summary>
public sealed class SwitchboardApp : WebApplicationFactory<Program>
{
    public SwitchboardApp(string? dataDirectory = null)
    {
        DataDirectory = dataDirectory ?? Path.Combine(Path.GetTempPath(), "switchboard-tests", Guid.NewGuid().ToString("N"));
        OwnsDirectory = dataDirectory is null;
        // Tests of the event log count exact events; the analyzers that append derived events
        // (sentiment, alerts, scorecards) are switched on by the tests that exercise them.
        Settings["Insights:Enabled"] = "false";
        Settings["Scorecards:Enabled"] = "false";
    }

    public string DataDirectory { get; }

    private bool OwnsDirectory { get; }

    public Dictionary<string, string?> Settings { get; } = new(StringComparer.Ordinal);

    /// <summary>Replaces services before the app starts (for example the clock).</summary>
    public Action<IServiceCollection>? ConfigureServices { get; set; }

    /// <summary>Creates an API key with the given scope and returns its secret.</summary>
    public string CreateKey(string scope, string? name = null) =>
        Services.GetRequiredService<ApiKeyStore>().CreateAsync(name ?? "test-" + scope, scope, CancellationToken.None).GetAwaiter().GetResult().Secret;

    /// <summary>A client that sends the key as a bearer token (or nothing when null).</summary>
    public HttpClient ClientWithKey(string? key)
    {
        var client = CreateClient();
        client.Timeout = TimeSpan.FromSeconds(30);
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new("Bearer", key);
        }

        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Storage:DataDirectory", DataDirectory);
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }

        // The first admin's one-time password would otherwise be printed by every test app.
        builder.ConfigureTestServices(s => s.AddSingleton(new BootstrapNotice { Output = TextWriter.Null }));
        if (ConfigureServices is { } configure)
        {
            builder.ConfigureTestServices(configure);
        }
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && OwnsDirectory)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
