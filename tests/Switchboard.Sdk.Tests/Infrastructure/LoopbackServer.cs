using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Contracts.Events;
using Switchboard.Server.Identity;

namespace Switchboard.Sdk.Tests.Infrastructure;

/// <summary>
/// The real server on a real loopback socket (Kestrel), with its SQLite file in a directory that
/// outlives one instance, so a test can stop the server and start it again at the same address.
/// </summary>
public sealed class LoopbackServer : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;
    private int _refusedUpgrades;
    private int _httpBatches;

    public LoopbackServer(string dataDirectory, int port, Dictionary<string, string?>? settings = null)
    {
        DataDirectory = dataDirectory;
        Port = port;
        _settings = settings ?? [];
        UseKestrel(port);
    }

    public string DataDirectory { get; }

    /// <summary>
    /// When set, the server answers every WebSocket upgrade with this status before the app sees
    /// it, as a proxy without WebSocket support does; HTTP requests pass.
    /// </summary>
    public int? RefuseWebSocketsWith { get; init; }

    /// <summary>WebSocket upgrades refused so far (<see cref="RefuseWebSocketsWith"/>).</summary>
    public int RefusedUpgrades => Volatile.Read(ref _refusedUpgrades);

    /// <summary>Batches posted to <c>POST /api/v1/events</c> so far.</summary>
    public int HttpBatches => Volatile.Read(ref _httpBatches);

    public int Port { get; }

    public Uri Url => new($"http://127.0.0.1:{Port}/");

    /// <summary>Starts listening (idempotent).</summary>
    public LoopbackServer Start()
    {
        StartServer();
        return this;
    }

    public string CreateKey(string scope) => Services.GetRequiredService<ApiKeyStore>().CreateAsync("test-" + scope, scope, CancellationToken.None).GetAwaiter().GetResult().Secret;

    public T Service<T>()
        where T : notnull => Services.GetRequiredService<T>();

    /// <summary>Reads every stored event of a call through the public API, page by page.</summary>
    public async Task<List<StoredEvent>> ReadEventsAsync(string viewerKey, string callId, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", viewerKey);
        var all = new List<StoredEvent>();
        long after = 0;
        while (true)
        {
            using var response = await http.GetAsync($"api/v1/calls/{Uri.EscapeDataString(callId)}/events?after={after}&limit=1000", cancellationToken);
            response.EnsureSuccessStatusCode();
            using var page = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            var events = page.RootElement.GetProperty("events").Deserialize<List<StoredEvent>>(ContractJson.Options) ?? [];
            all.AddRange(events);
            if (events.Count < 1000)
            {
                return all;
            }

            after = events[^1].Seq;
        }
    }

    /// <summary>Reads a call's state through the public API; null when unknown.</summary>
    public async Task<JsonElement?> ReadCallAsync(string viewerKey, string callId, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", viewerKey);
        using var response = await http.GetAsync($"api/v1/calls/{Uri.EscapeDataString(callId)}", cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken)).RootElement.Clone();
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static string NewDataDirectory() => Path.Combine(Path.GetTempPath(), "switchboard-sdk-tests", Guid.NewGuid().ToString("N"));

    public static void DeleteDirectory(string path)
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Storage:DataDirectory", DataDirectory);
        // Open agent WebSockets would hold a graceful stop for the default 30 s; a stop here is abrupt, like a crash.
        builder.UseShutdownTimeout(TimeSpan.FromSeconds(1));
        // These tests count the events an agent sent; the analyzers that append derived events stay off.
        builder.UseSetting("Insights:Enabled", "false");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureServices(services => services.AddSingleton<IStartupFilter>(new FrontDoor(this)));
    }

    /// <summary>Runs first in the pipeline: counts HTTP batches and refuses upgrades when asked.</summary>
    private sealed class FrontDoor(LoopbackServer server) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, following) =>
            {
                if (context.Request.Method == "POST" && context.Request.Path == "/api/v1/events")
                {
                    Interlocked.Increment(ref server._httpBatches);
                }

                if (server.RefuseWebSocketsWith is { } status && context.Request.Headers.Upgrade.ToString().Contains("websocket", StringComparison.OrdinalIgnoreCase))
                {
                    Interlocked.Increment(ref server._refusedUpgrades);
                    context.Response.StatusCode = status;
                    return;
                }

                await following(context);
            });
            next(app);
        };
    }
}
