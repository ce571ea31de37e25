using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Switchboard.Bench.Supervision;

/// <summary>A signed-in person as the dashboard is one: session cookie, anti-forgery header, the help-queue stream.</summary>
internal sealed class SupervisorSession : IDisposable
{
    private readonly HttpClient _client;
    private readonly ConcurrentDictionary<string, TaskCompletionSource<string>> _opened = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();

    private SupervisorSession(HttpClient client) => _client = client;

    public HttpClient Http => _client;

    public static async Task<SupervisorSession> SignInAsync(Uri baseAddress, string username, string password, CancellationToken cancellationToken)
    {
        var client = new HttpClient(new SocketsHttpHandler { CookieContainer = new CookieContainer(), UseCookies = true }) { BaseAddress = baseAddress };
        using var response = await client.PostAsJsonAsync("/api/v1/auth/login", new { username, password }, cancellationToken);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        var token = body.GetProperty("antiforgery");
        client.DefaultRequestHeaders.Add(token.GetProperty("headerName").GetString()!, token.GetProperty("token").GetString());
        return new SupervisorSession(client);
    }

    /// <summary>Opens the help-queue stream (which also makes this supervisor online) and returns once its snapshot arrived.</summary>
    public async Task OpenQueueAsync(CancellationToken cancellationToken)
    {
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _ = Task.Run(async () =>
        {
            try
            {
                using var response = await _client.GetAsync("/api/v1/escalations/stream", HttpCompletionOption.ResponseHeadersRead, _stop.Token);
                using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(_stop.Token));
                string? name = null;
                while (await reader.ReadLineAsync(_stop.Token) is { } line)
                {
                    if (line.StartsWith("event: ", StringComparison.Ordinal))
                    {
                        name = line[7..];
                        ready.TrySetResult();
                    }
                    else if (name == "request" && line.StartsWith("data: ", StringComparison.Ordinal))
                    {
                        var request = JsonDocument.Parse(line[6..]).RootElement.GetProperty("request");
                        if (request.GetProperty("status").GetString() == "open")
                        {
                            Opened(request.GetProperty("requestId").GetString()!).TrySetResult(request.GetProperty("id").GetString()!);
                        }
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
        }, CancellationToken.None);
        await ready.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
    }

    /// <summary>The queue id of the help request the agent opened with <paramref name="requestId"/>, once the stream shows it.</summary>
    public Task<string> QueuedAsync(string requestId) => Opened(requestId).Task;

    public void Dispose()
    {
        _stop.Cancel();
        _client.Dispose();
        _stop.Dispose();
    }

    private TaskCompletionSource<string> Opened(string requestId) =>
        _opened.GetOrAdd(requestId, _ => new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously));
}
