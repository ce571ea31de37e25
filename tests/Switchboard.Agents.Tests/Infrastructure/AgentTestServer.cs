using System.Net.Http.Headers;
using System.Text.Json;
using System.Threading.Channels;
using Switchboard.Testing;

namespace Switchboard.Agents.Tests.Infrastructure;

/// <summary>
/// The real server as its own process on loopback, with an agent key, a viewer key and a
/// supervisor signed in as the dashboard signs in. The supervisor's skills are <c>salon</c> and
/// <c>sales</c> only, so a billing question finds nobody.
/// </summary>
public sealed class AgentTestServer : IAsyncLifetime
{
    public const string SupervisorName = "sam";
    private const string Password = "a supervisor's password";
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "switchboard-agents-tests", Guid.NewGuid().ToString("N"));
    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<JsonElement> _queue = Channel.CreateUnbounded<JsonElement>();
    private ServerProcess? _server;
    private HttpClient? _viewer;

    public ServerProcess Process => _server!;

    public Uri Url => _server!.BaseAddress;

    public string AgentKey { get; private set; } = "";

    public string ViewerKey { get; private set; } = "";

    /// <summary>The supervisor, signed in (cookie and anti-forgery token).</summary>
    public ApiSession Supervisor { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        AgentKey = await ServerProcess.CreateKeyAsync(_dataDirectory, ServerSettings.Tests, "agent", "agents-tests", timeout.Token);
        ViewerKey = await ServerProcess.CreateKeyAsync(_dataDirectory, ServerSettings.Tests, "viewer", "agents-tests-viewer", timeout.Token);
        _server = await ServerProcess.StartAsync(_dataDirectory, timeout.Token);
        var bootstrap = await _server.BootstrapPasswordAsync(timeout.Token);
        using (var admin = await ApiSession.SignInAsync(Url, "admin", bootstrap, timeout.Token))
        {
            await admin.PostAsync("/api/v1/auth/password", new { currentPassword = bootstrap, newPassword = "the admin's own password" }, timeout.Token);
            await admin.PostAsync("/api/v1/admin/users", new { username = SupervisorName, password = Password, role = "supervisor", skills = new[] { "salon", "sales" }, mustChangePassword = false }, timeout.Token);
        }

        Supervisor = await ApiSession.SignInAsync(Url, SupervisorName, Password, timeout.Token);
        _viewer = new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(15) };
        _viewer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ViewerKey);
        await OpenQueueAsync(timeout.Token);
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        Supervisor?.Dispose();
        _viewer?.Dispose();
        _server?.Dispose();
        ServerProcess.DeleteDataDirectory(_dataDirectory);
    }

    /// <summary>The next help request the supervisor's queue shows as open.</summary>
    public async Task<JsonElement> NextOpenRequestAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            var view = await _queue.Reader.ReadAsync(cts.Token);
            if (view.GetProperty("request").GetProperty("status").GetString() == "open")
            {
                return view;
            }
        }
    }

    /// <summary>The supervisor acts on a call (<c>POST /api/v1/calls/{id}/{action}</c>) once the server has its start.</summary>
    public async Task<JsonElement> ActAsync(string callId, string action, object? body = null)
    {
        await WaitForEventAsync(callId, "call.started", TimeSpan.FromSeconds(30));
        return await Supervisor.PostAsync($"/api/v1/calls/{Uri.EscapeDataString(callId)}/{action}", body ?? new { }, CancellationToken.None);
    }

    /// <summary>Every stored event of a call, read with the viewer key.</summary>
    public async Task<List<JsonElement>> EventsAsync(string callId)
    {
        var page = JsonDocument.Parse(await _viewer!.GetStringAsync($"api/v1/calls/{Uri.EscapeDataString(callId)}/events?after=0&limit=1000")).RootElement;
        return [.. page.GetProperty("events").EnumerateArray().Select(e => e.Clone())];
    }

    /// <summary>Waits until the call's log holds an event of <paramref name="type"/> matching <paramref name="match"/>; fails after <paramref name="timeout"/>.</summary>
    public async Task<JsonElement> WaitForEventAsync(string callId, string type, TimeSpan timeout, Func<JsonElement, bool>? match = null)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            var found = (await EventsAsync(callId)).FirstOrDefault(e => e.GetProperty("type").GetString() == type && (match is null || match(e.GetProperty("data"))));
            if (found.ValueKind != JsonValueKind.Undefined)
            {
                return found;
            }

            try
            {
                await Task.Delay(100, cts.Token);
            }
            catch (OperationCanceledException)
            {
                var seen = string.Join(", ", (await EventsAsync(callId)).Select(e => e.GetProperty("type").GetString()));
                throw new TimeoutException($"no {type} on {callId} within {timeout}; the log has: {seen}");
            }
        }
    }

    /// <summary>The call as the API shows it.</summary>
    public async Task<JsonElement> CallAsync(string callId) =>
        JsonDocument.Parse(await _viewer!.GetStringAsync($"api/v1/calls/{Uri.EscapeDataString(callId)}")).RootElement.Clone();

    private async Task OpenQueueAsync(CancellationToken cancellationToken)
    {
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _ = Task.Run(async () =>
        {
            try
            {
                string? name = null;
                await foreach (var line in Supervisor.StreamLinesAsync("/api/v1/escalations/stream", _stop.Token))
                {
                    if (line.StartsWith("event: ", StringComparison.Ordinal))
                    {
                        name = line[7..];
                        ready.TrySetResult();
                    }
                    else if (name == "request" && line.StartsWith("data: ", StringComparison.Ordinal))
                    {
                        await _queue.Writer.WriteAsync(JsonDocument.Parse(line[6..]).RootElement.Clone(), _stop.Token);
                    }
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or HttpRequestException)
            {
            }
        }, CancellationToken.None);
        await ready.Task.WaitAsync(cancellationToken);
    }
}

[CollectionDefinition(Name)]
public sealed class AgentServerCollection : ICollectionFixture<AgentTestServer>
{
    public const string Name = "agents against a real server";
}
