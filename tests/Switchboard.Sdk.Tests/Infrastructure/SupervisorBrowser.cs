using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Server.Identity;

namespace Switchboard.Sdk.Tests.Infrastructure;

/// <summary>A supervisor as the dashboard is one: signed in with a session cookie, sending the anti-forgery header, the help queue open.</summary>
public sealed class SupervisorBrowser : IAsyncDisposable
{
    private const string Password = "a supervisor's password";
    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<JsonElement> _queue = Channel.CreateUnbounded<JsonElement>();
    private Task? _reader;

    private SupervisorBrowser(HttpClient http) => Http = http;

    public HttpClient Http { get; }

    public static async Task<SupervisorBrowser> SignInAsync(LoopbackServer server, string username, params string[] skills)
    {
        server.Services.GetRequiredService<UserStore>().CreateAsync(username, Password, Roles.Supervisor, skills, mustChangePassword: false, CancellationToken.None).GetAwaiter().GetResult();
        var http = new HttpClient(new SocketsHttpHandler { CookieContainer = new CookieContainer() }) { BaseAddress = server.Url, Timeout = TimeSpan.FromSeconds(30) };
        using var login = await http.PostAsJsonAsync("api/v1/auth/login", new { username, password = Password });
        login.EnsureSuccessStatusCode();
        var token = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("antiforgery");
        http.DefaultRequestHeaders.Add(token.GetProperty("headerName").GetString()!, token.GetProperty("token").GetString());
        return new SupervisorBrowser(http);
    }

    /// <summary>Opens the help-queue stream (the supervisor is online from then on) and waits for its snapshot.</summary>
    public async Task OpenQueueAsync()
    {
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _reader = Task.Run(async () =>
        {
            try
            {
                using var response = await Http.GetAsync("api/v1/escalations/stream", HttpCompletionOption.ResponseHeadersRead, _stop.Token);
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
                        await _queue.Writer.WriteAsync(JsonDocument.Parse(line[6..]).RootElement.Clone(), _stop.Token);
                    }
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or HttpRequestException)
            {
            }
        });
        await ready.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>The next request the queue stream shows as newly open.</summary>
    public async Task<JsonElement> NextOpenRequestAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var view = await _queue.Reader.ReadAsync(timeout.Token);
            if (view.GetProperty("request").GetProperty("status").GetString() == "open")
            {
                return view;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_reader is not null)
        {
            await _reader;
        }

        Http.Dispose();
        _stop.Dispose();
    }
}
