using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Server.Identity;

namespace Switchboard.Server.Tests.Infrastructure;

/// <summary>Signing in people as the dashboard does: login, then the anti-forgery header on every request.</summary>
public static class Sessions
{
    public const string Password = "correct horse battery staple";

    /// <summary>Creates an account with the role and returns its username.</summary>
    public static string CreateUser(this SwitchboardApp app, string role, string? username = null, IEnumerable<string>? skills = null)
    {
        username ??= role + "-" + Guid.NewGuid().ToString("N")[..6];
        app.Services.GetRequiredService<UserStore>().CreateAsync(username, Password, role, skills ?? ["*"], mustChangePassword: false, CancellationToken.None).GetAwaiter().GetResult();
        return username;
    }

    /// <summary>A client signed in as a new account with the role, sending the anti-forgery token.</summary>
    public static async Task<HttpClient> SignInAsync(this SwitchboardApp app, string role, string? username = null, IEnumerable<string>? skills = null)
    {
        username = app.CreateUser(role, username, skills);
        var client = app.CreateClient();
        client.Timeout = TimeSpan.FromSeconds(30);
        var token = await LoginAsync(client, username, Password);
        client.DefaultRequestHeaders.Add("X-CSRF-TOKEN", token);
        return client;
    }

    /// <summary>Logs in and returns the anti-forgery token from the answer.</summary>
    public static async Task<string> LoginAsync(HttpClient client, string username, string password)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/auth/login", new { username, password });
        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("antiforgery").GetProperty("token").GetString()!;
    }
}
