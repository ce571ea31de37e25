using System.Net.Http.Json;
using Switchboard.Testing;

namespace Switchboard.Bench;

/// <summary>
/// The server's Release build as a separate process on a loopback port, with a fresh data
/// directory, an agent key and a viewer key made with its own <c>keys create</c>.
/// </summary>
internal sealed class ServerUnderTest : IDisposable
{
    private readonly ServerProcess _process;

    private ServerUnderTest(ServerProcess process, string agentKey, string viewerKey)
    {
        _process = process;
        AgentKey = agentKey;
        ViewerKey = viewerKey;
    }

    public Uri BaseAddress => _process.BaseAddress;

    public string AgentKey { get; }

    public string ViewerKey { get; }

    public TimeSpan CpuTime => _process.CpuTime;

    /// <summary>Starts a node; <paramref name="storeArguments"/> name its store (PostgreSQL: provider, connection string, node id).</summary>
    public static async Task<ServerUnderTest> StartAsync(string serverDll, string dataDirectory, CancellationToken cancellationToken, params string[] storeArguments)
    {
        var settings = Settings(serverDll, storeArguments);
        var agentKey = await ServerProcess.CreateKeyAsync(dataDirectory, settings, "agent", "bench-agent", cancellationToken);
        var viewerKey = await ServerProcess.CreateKeyAsync(dataDirectory, settings, "viewer", "bench-viewer", cancellationToken);
        var process = await ServerProcess.StartAsync(dataDirectory, settings, cancellationToken, "--Operations:AllowGcOnMetrics=true");
        return new ServerUnderTest(process, agentKey, viewerKey);
    }

    /// <summary>Signs in as the first admin (its one-time password from the output) and sets a password, for the admin API.</summary>
    public async Task<ApiSession> AdminAsync(CancellationToken cancellationToken)
    {
        var bootstrap = await _process.BootstrapPasswordAsync(cancellationToken);
        var admin = await ApiSession.SignInAsync(BaseAddress, "admin", bootstrap, cancellationToken);
        await admin.PostAsync("/api/v1/auth/password", new { currentPassword = bootstrap, newPassword = "bench admin password " + Guid.NewGuid().ToString("N") }, cancellationToken);
        return admin;
    }

    /// <summary>Reads one figure from /metrics (optionally after a forced full collection).</summary>
    public async Task<double> MetricAsync(string name, bool gc, CancellationToken cancellationToken) =>
        (await _process.MetricsAsync(ViewerKey, cancellationToken, gc))[name];

    /// <summary>Every unlabelled figure from /metrics.</summary>
    /// <summary>How many past calls of the agent the archive holds (scored ones only, if asked), waiting up to 10 s for <paramref name="expected"/>.</summary>
    public async Task<int> ArchivedAsync(string agent, int expected, CancellationToken cancellationToken, bool scored = false)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ViewerKey);
        var count = 0;
        for (var attempt = 0; attempt < 20 && count < expected; attempt++)
        {
            var list = await http.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/v1/calls?status=ended&agent={agent}&limit=1000", cancellationToken);
            count = list.GetProperty("past").EnumerateArray().Count(c => !scored || c.TryGetProperty("scorecard", out var card) && card.ValueKind == System.Text.Json.JsonValueKind.Object);
            await Task.Delay(500, cancellationToken);
        }

        return count;
    }

    public Task<IReadOnlyDictionary<string, double>> MetricsAsync(CancellationToken cancellationToken) =>
        _process.MetricsAsync(ViewerKey, cancellationToken);

    /// <summary>Ends the process at once, as <c>kill -9</c> does.</summary>
    public void Kill() => _process.Kill();

    /// <summary>Resident memory of the server process, from /proc.</summary>
    public long ResidentBytes() => _process.ResidentBytes();

    public void Dispose()
    {
        _process.Dispose();
        ServerProcess.DeleteDataDirectory(_process.DataDirectory);
    }

    private static ServerSettings Settings(string serverDll, string[] storeArguments)
    {
        // Settings and runtime variables for an experiment, e.g.
        // SWITCHBOARD_BENCH_SERVER_ARGS="--Insights:Enabled=false", SWITCHBOARD_BENCH_SERVER_ENV="DOTNET_TieredPGO=0".
        var variables = new Dictionary<string, string> { ["Calls__AgentTimeoutSeconds"] = "3600" };
        foreach (var pair in Words("SWITCHBOARD_BENCH_SERVER_ENV"))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            variables[pair[..equals]] = pair[(equals + 1)..];
        }

        return new ServerSettings
        {
            ServerDll = serverDll,
            EnvironmentName = "Production",
            Variables = variables,
            Arguments = [.. storeArguments, .. Words("SWITCHBOARD_BENCH_SERVER_ARGS")],
            // The server logs warnings and errors only: show them beside the figures.
            Echo = line => Console.Error.WriteLine("server: " + line),
        };
    }

    private static string[] Words(string variable) =>
        (Environment.GetEnvironmentVariable(variable) ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
}
