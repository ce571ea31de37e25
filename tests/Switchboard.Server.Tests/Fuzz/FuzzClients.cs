using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Switchboard.Server.Tests.Fuzz;

/// <summary>Who the fuzzer speaks as: nobody, an agent key, a viewer key, a supervisor's and an admin's session.</summary>
public sealed class FuzzClients : IDisposable
{
    private FuzzClients(Uri baseAddress, string agentKey, string viewerKey)
    {
        BaseAddress = baseAddress;
        Anonymous = Plain(baseAddress);
        Agent = Plain(baseAddress, agentKey);
        Viewer = Plain(baseAddress, viewerKey);
    }

    /// <summary>The admin's and the supervisor's password once set.</summary>
    public const string Password = "fuzzing is a long passphrase";

    public Uri BaseAddress { get; }

    public HttpClient Anonymous { get; }

    public HttpClient Agent { get; }

    public HttpClient Viewer { get; }

    public HttpClient Supervisor { get; private set; } = null!;

    public HttpClient Admin { get; private set; } = null!;

    public string SupervisorToken { get; private set; } = "";

    public string AdminToken { get; private set; } = "";

    public string AdminId { get; private set; } = "";

    public string SupervisorId { get; private set; } = "";

    /// <summary>Signs the first admin in with its one-time password, sets a new one, and creates a supervisor.</summary>
    public static async Task<FuzzClients> CreateAsync(Uri baseAddress, string agentKey, string viewerKey, string adminPassword, CancellationToken cancellationToken)
    {
        var clients = new FuzzClients(baseAddress, agentKey, viewerKey);
        const string password = Password;
        clients.Admin = Session(baseAddress);
        var token = await LoginAsync(clients.Admin, "admin", adminPassword, cancellationToken);
        using (var change = await SendAsync(clients.Admin, token, HttpMethod.Post, "/api/v1/auth/password", new { currentPassword = adminPassword, newPassword = password }, cancellationToken))
        {
            var session = await change.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
            clients.AdminToken = session.GetProperty("antiforgery").GetProperty("token").GetString()!;
            clients.AdminId = session.GetProperty("id").GetString()!;
        }

        using (var created = await SendAsync(clients.Admin, clients.AdminToken, HttpMethod.Post, "/api/v1/admin/users",
            new { username = "sup", password, role = "supervisor", skills = new[] { "*" }, mustChangePassword = false }, cancellationToken))
        {
            created.EnsureSuccessStatusCode();
            clients.SupervisorId = (await created.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("user").GetProperty("id").GetString()!;
        }

        clients.Supervisor = Session(baseAddress);
        clients.SupervisorToken = await LoginAsync(clients.Supervisor, "sup", password, cancellationToken);
        return clients;
    }

    public static async Task<HttpResponseMessage> SendAsync(HttpClient client, string csrf, HttpMethod method, string path, object body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("X-CSRF-TOKEN", csrf);
        return await client.SendAsync(request, cancellationToken);
    }

    public void Dispose()
    {
        foreach (var client in new[] { Anonymous, Agent, Viewer, Supervisor, Admin })
        {
            client?.Dispose();
        }
    }

    public static async Task<string> LoginAsync(HttpClient client, string username, string password, CancellationToken cancellationToken)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/auth/login", new { username, password }, cancellationToken);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("antiforgery").GetProperty("token").GetString()!;
    }

    private static HttpClient Plain(Uri baseAddress, string? key = null)
    {
        var client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new("Bearer", key);
        }

        return client;
    }

    public static HttpClient Session(Uri baseAddress) =>
        new(new HttpClientHandler { CookieContainer = new CookieContainer(), UseCookies = true }) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
}
