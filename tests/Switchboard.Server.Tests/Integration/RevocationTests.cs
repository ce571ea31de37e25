using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Server.Identity;
using Switchboard.Server.Tests.Infrastructure;

namespace Switchboard.Server.Tests.Integration;

/// <summary>A revoked key or a disabled user loses its open streams and sockets within seconds, not when they happen to close.</summary>
public sealed class RevocationTests : IDisposable
{
    private static readonly TimeSpan FewSeconds = TimeSpan.FromSeconds(10);
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "switchboard-tests", Guid.NewGuid().ToString("N"));

    public void Dispose() => ServerProcess.DeleteDataDirectory(_dataDirectory);

    /// <summary>Reads the stream until it ends; returns the names of the frames seen.</summary>
    private static Task<List<string>> ReadToEndAsync(HttpClient client, string url, CancellationToken cancellationToken) => Task.Run(async () =>
    {
        var seen = new List<string>();
        try
        {
            await foreach (var frame in SseReader.ReadAsync(client, url, cancellationToken: cancellationToken))
            {
                lock (seen)
                {
                    seen.Add(frame.Event + ":" + frame.Data);
                }
            }
        }
        catch (IOException)
        {
        }
        catch (HttpRequestException)
        {
        }

        return seen;
    }, cancellationToken);

    private static async Task WaitForAsync(Func<bool> condition, CancellationToken cancellationToken)
    {
        while (!condition())
        {
            await Task.Delay(20, cancellationToken);
        }
    }

    [Fact]
    public async Task A_viewer_keys_open_streams_end_when_an_admin_revokes_it()
    {
        using var app = new SwitchboardApp();
        var (key, secret) = await app.Services.GetRequiredService<ApiKeyStore>().CreateAsync("wallboard screen", ApiKeyScopes.Viewer, CancellationToken.None);
        using var agent = app.ClientWithKey(app.CreateKey(ApiKeyScopes.Agent));
        using var admin = await app.SignInAsync(Roles.Admin);
        using var viewer = app.ClientWithKey(secret);
        await Events.PostAsync(agent, Events.Started("R1"), Events.Line("R1", "l1", "my account number is 12345"));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        var call = ReadToEndAsync(viewer, "/api/v1/calls/R1/stream", cts.Token);
        var wallboard = ReadToEndAsync(viewer, "/api/v1/wallboard/stream", cts.Token);
        await Task.Delay(300, cts.Token);
        Assert.False(call.IsCompleted);
        Assert.False(wallboard.IsCompleted);

        using var revoked = await admin.DeleteAsync($"/api/v1/admin/keys/{key.Id}", cts.Token);
        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);

        var frames = await call.WaitAsync(FewSeconds, cts.Token);
        await wallboard.WaitAsync(FewSeconds, cts.Token);
        Assert.Contains(frames, f => f.Contains("my account number", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Unauthorized, (await viewer.GetAsync("/api/v1/calls/R1/stream", cts.Token)).StatusCode);
    }

    [Fact]
    public async Task A_disabled_users_open_streams_end()
    {
        using var app = new SwitchboardApp();
        using var agent = app.ClientWithKey(app.CreateKey(ApiKeyScopes.Agent));
        using var admin = await app.SignInAsync(Roles.Admin);
        var name = app.CreateUser(Roles.Viewer);
        using var watcher = app.CreateClient();
        await Sessions.LoginAsync(watcher, name, Sessions.Password);
        await Events.PostAsync(agent, Events.Started("R2"));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        var stream = ReadToEndAsync(watcher, "/api/v1/calls/R2/stream", cts.Token);
        await Task.Delay(300, cts.Token);
        Assert.False(stream.IsCompleted);
        var id = (await app.Services.GetRequiredService<UserStore>().FindByNameAsync(name, CancellationToken.None))!.Id;
        using var disabled = await admin.PatchAsJsonAsync($"/api/v1/admin/users/{id}", new { disabled = true }, cts.Token);
        disabled.EnsureSuccessStatusCode();

        await stream.WaitAsync(FewSeconds, cts.Token);
        Assert.Equal(HttpStatusCode.Unauthorized, (await watcher.GetAsync("/api/v1/calls/R2/stream", cts.Token)).StatusCode);
    }

    [Fact]
    public async Task Keys_revoked_with_the_keys_command_beside_a_running_server_lose_their_streams_and_sockets()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var agentKey = await ServerProcess.CreateKeyAsync(_dataDirectory, ServerSettings.Tests, "agent", "agent", cts.Token);
        var viewerKey = await ServerProcess.CreateKeyAsync(_dataDirectory, ServerSettings.Tests, "viewer", "viewer", cts.Token);
        using var server = await ServerProcess.StartAsync(_dataDirectory, cts.Token);
        using var agent = new HttpClient { BaseAddress = server.BaseAddress };
        agent.DefaultRequestHeaders.Authorization = new("Bearer", agentKey);
        using var viewer = new HttpClient { BaseAddress = server.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        viewer.DefaultRequestHeaders.Authorization = new("Bearer", viewerKey);
        await Events.PostAsync(agent, Events.Started("R3"));
        // The agent also holds a socket with a second agent key that stays valid.
        var socketKey = await ServerProcess.CreateKeyAsync(_dataDirectory, ServerSettings.Tests, "agent", "socket agent", cts.Token);
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", "Bearer " + socketKey);
        await socket.ConnectAsync(new Uri($"ws://{server.BaseAddress.Authority}/api/v1/agent/ws"), cts.Token);

        var stream = ReadToEndAsync(viewer, "/api/v1/calls/R3/stream", cts.Token);
        await Task.Delay(300, cts.Token);
        var (_, list, _) = await ServerProcess.RunCommandAsync(_dataDirectory, cts.Token, "keys", "list");
        string IdOf(string name) => list.Split('\n').Single(l => l.Split('\t') is [_, _, var n, ..] && n == name).Split('\t')[0];

        var revokedViewer = await ServerProcess.RunCommandAsync(_dataDirectory, cts.Token, "keys", "revoke", IdOf("viewer"));
        Assert.Equal(0, revokedViewer.ExitCode);
        await stream.WaitAsync(FewSeconds, cts.Token);
        Assert.Equal(HttpStatusCode.Unauthorized, (await viewer.GetAsync("/api/v1/calls", cts.Token)).StatusCode);
        Assert.Equal(WebSocketState.Open, socket.State);

        var revokedSocket = await ServerProcess.RunCommandAsync(_dataDirectory, cts.Token, "keys", "revoke", IdOf("socket agent"));
        Assert.Equal(0, revokedSocket.ExitCode);
        var buffer = new byte[1024];
        var ended = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer, cts.Token).WaitAsync(FewSeconds, cts.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    throw new WebSocketException("closed by the server");
                }
            }
        });
        Assert.IsType<WebSocketException>(ended);
        Assert.False(server.HasExited);
    }
}
