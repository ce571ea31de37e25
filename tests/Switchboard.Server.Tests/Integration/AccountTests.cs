using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Server.Identity;
using Switchboard.Server.Tests.Infrastructure;

namespace Switchboard.Server.Tests.Integration;

public sealed partial class AccountTests
{
    [Fact]
    public async Task A_session_survives_a_restart_and_is_accepted_only_by_servers_sharing_the_key_ring()
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "switchboard-tests", Guid.NewGuid().ToString("N"));
        var elsewhere = Path.Combine(Path.GetTempPath(), "switchboard-tests", Guid.NewGuid().ToString("N"));
        try
        {
            string cookie;
            using (var first = new SwitchboardApp(dataDirectory))
            {
                var username = first.CreateUser(Roles.Viewer);
                using var client = first.CreateDefaultClient();
                using var login = await client.PostAsJsonAsync("/api/v1/auth/login", new { username, password = Sessions.Password });
                login.EnsureSuccessStatusCode();
                cookie = login.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("sb_session=", StringComparison.Ordinal)).Split(';')[0];
            }

            // The keys are kept beside the database, readable by the server's account only.
            var keys = new DirectoryInfo(Path.Combine(dataDirectory, "keys"));
            Assert.NotEmpty(keys.GetFiles("key-*.xml"));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, keys.UnixFileMode);

            using (var restarted = new SwitchboardApp(dataDirectory))
            {
                Assert.Equal(HttpStatusCode.OK, await MeAsync(restarted, cookie));
            }

            // Same accounts, another key ring: the cookie cannot be read.
            using var stranger = new SwitchboardApp(dataDirectory);
            stranger.Settings["Accounts:KeyRingDirectory"] = elsewhere;
            Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(stranger, cookie));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var directory in new[] { dataDirectory, elsewhere })
            {
                if (Directory.Exists(directory))
                {
                    Directory.Delete(directory, recursive: true);
                }
            }
        }

        static async Task<HttpStatusCode> MeAsync(SwitchboardApp app, string cookie)
        {
            using var client = app.CreateDefaultClient();
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/auth/me");
            request.Headers.Add("Cookie", cookie);
            using var response = await client.SendAsync(request);
            return response.StatusCode;
        }
    }

    [Fact]
    public async Task First_start_prints_an_admin_password_once_that_must_be_changed_before_anything_else()
    {
        var output = new StringWriter();
        var dataDirectory = Path.Combine(Path.GetTempPath(), "switchboard-tests", Guid.NewGuid().ToString("N"));
        using (var app = new SwitchboardApp(dataDirectory))
        {
            app.ConfigureServices = s => s.AddSingleton(new BootstrapNotice { Output = output });
            using var client = app.CreateClient();
            var password = PasswordLine().Match(output.ToString()).Groups[1].Value;
            Assert.NotEmpty(password);

            var token = await Sessions.LoginAsync(client, "admin", password);
            client.DefaultRequestHeaders.Add("X-CSRF-TOKEN", token);
            using var blocked = await client.GetAsync("/api/v1/calls");
            Assert.Equal(HttpStatusCode.Forbidden, blocked.StatusCode);
            Assert.Contains("password", await blocked.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);

            using var tooShort = await client.PostAsJsonAsync("/api/v1/auth/password", new { currentPassword = password, newPassword = "short" });
            Assert.Equal(HttpStatusCode.BadRequest, tooShort.StatusCode);
            using var changed = await client.PostAsJsonAsync("/api/v1/auth/password", new { currentPassword = password, newPassword = "a much better password" });
            Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
            using var allowed = await client.GetAsync("/api/v1/calls");
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }

        var second = new StringWriter();
        using (var again = new SwitchboardApp(dataDirectory))
        {
            again.ConfigureServices = s => s.AddSingleton(new BootstrapNotice { Output = second });
            using var client = again.CreateClient();
            await Sessions.LoginAsync(client, "admin", "a much better password");
        }

        Assert.Equal("", second.ToString());
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(dataDirectory, recursive: true);
    }

    [Fact]
    public async Task The_session_cookie_is_http_only_and_same_site_strict()
    {
        using var app = new SwitchboardApp();
        var username = app.CreateUser(Roles.Viewer);
        using var client = app.CreateClient();
        using var response = await client.PostAsJsonAsync("/api/v1/auth/login", new { username, password = Sessions.Password });
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("sb_session=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_wrong_password_is_refused_and_audited()
    {
        using var app = new SwitchboardApp();
        var username = app.CreateUser(Roles.Supervisor);
        using var client = app.CreateClient();
        using var response = await client.PostAsJsonAsync("/api/v1/auth/login", new { username, password = "not it" });
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var entry = (await app.Services.GetRequiredService<AuditLog>().QueryAsync(new AuditQuery(Action: "auth.login"), CancellationToken.None)).Single();
        Assert.Equal(("failed", username), (entry.Outcome, entry.Actor));
    }

    [Fact]
    public async Task Requests_with_a_session_but_without_the_anti_forgery_token_are_refused()
    {
        using var app = new SwitchboardApp();
        var username = app.CreateUser(Roles.Supervisor);
        using var client = app.CreateClient();
        var token = await Sessions.LoginAsync(client, username, Sessions.Password);

        using var without = await client.PostAsJsonAsync("/api/v1/calls/CALL_x/guide", new { text = "hi" });
        Assert.Equal(HttpStatusCode.BadRequest, without.StatusCode);
        Assert.Contains("Anti-forgery", await without.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var wrong = new HttpRequestMessage(HttpMethod.Post, "/api/v1/calls/CALL_x/guide") { Content = JsonContent.Create(new { text = "hi" }) };
        wrong.Headers.Add("X-CSRF-TOKEN", token[..^4] + "AAAA");
        using var wrongResponse = await client.SendAsync(wrong);
        Assert.Equal(HttpStatusCode.BadRequest, wrongResponse.StatusCode);

        // The token can also be fetched on its own, as the dashboard does after a reload.
        var fetched = await client.GetFromJsonAsync<JsonElement>("/api/v1/auth/antiforgery");
        using var with = new HttpRequestMessage(HttpMethod.Post, "/api/v1/calls/CALL_x/guide") { Content = JsonContent.Create(new { text = "hi" }) };
        with.Headers.Add(fetched.GetProperty("headerName").GetString()!, fetched.GetProperty("token").GetString());
        using var withResponse = await client.SendAsync(with);
        Assert.Equal(HttpStatusCode.NotFound, withResponse.StatusCode);

        Assert.Equal(2, (await app.Services.GetRequiredService<AuditLog>().QueryAsync(new AuditQuery(Action: "auth.antiforgery"), CancellationToken.None)).Count);
    }

    [Theory]
    [InlineData(365, 1)]
    [InlineData(0, 0)]
    public async Task Audit_records_past_retention_are_deleted_and_the_deletion_is_recorded(int retentionDays, int expectedDeleted)
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        using var app = new SwitchboardApp();
        app.ConfigureServices = s => s.AddSingleton<TimeProvider>(clock);
        app.Settings["Accounts:AuditRetentionDays"] = retentionDays.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var audit = app.Services.GetRequiredService<AuditLog>();
        await audit.RecordAsync(Actor.System, "test.old", "ok");
        clock.Advance(TimeSpan.FromDays(400));
        await audit.RecordAsync(Actor.System, "test.recent", "ok");

        Assert.Equal(expectedDeleted, await app.Services.GetRequiredService<AuditRetention>().PurgeOnceAsync(CancellationToken.None));

        var actions = (await audit.QueryAsync(new AuditQuery(Action: "*"), CancellationToken.None)).Select(e => e.Action).ToList();
        Assert.Contains("test.recent", actions);
        Assert.Equal(retentionDays == 0, actions.Contains("test.old"));
        Assert.Equal(retentionDays != 0, actions.Contains("audit.purged"));
    }

    [Fact]
    public async Task An_idle_session_expires()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        using var app = new SwitchboardApp();
        app.ConfigureServices = s => s.AddSingleton<TimeProvider>(clock);
        app.Settings["Accounts:SessionIdleMinutes"] = "30";
        using var client = await app.SignInAsync(Roles.Viewer);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/calls")).StatusCode);

        clock.Advance(TimeSpan.FromMinutes(31));
        using var expired = await client.GetAsync("/api/v1/calls");
        Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
    }

    [Fact]
    public async Task An_active_session_still_ends_at_the_absolute_timeout()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        using var app = new SwitchboardApp();
        app.ConfigureServices = s => s.AddSingleton<TimeProvider>(clock);
        app.Settings["Accounts:SessionIdleMinutes"] = "30";
        app.Settings["Accounts:SessionAbsoluteHours"] = "2";
        using var client = await app.SignInAsync(Roles.Viewer);
        for (var i = 0; i < 5; i++)
        {
            clock.Advance(TimeSpan.FromMinutes(20));
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/calls")).StatusCode);
        }

        clock.Advance(TimeSpan.FromMinutes(25));
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/calls")).StatusCode);
    }

    [Fact]
    public async Task Logout_ends_the_session()
    {
        using var app = new SwitchboardApp();
        using var client = await app.SignInAsync(Roles.Viewer);
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync("/api/v1/auth/logout", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/calls")).StatusCode);
    }

    [Fact]
    public async Task Login_attempts_are_rate_limited()
    {
        using var app = new SwitchboardApp();
        app.Settings["Accounts:LoginPermitsPerMinute"] = "3";
        using var client = app.CreateClient();
        for (var i = 0; i < 3; i++)
        {
            using var attempt = await client.PostAsJsonAsync("/api/v1/auth/login", new { username = "admin", password = "guess" + i });
            Assert.Equal(HttpStatusCode.Unauthorized, attempt.StatusCode);
        }

        using var throttled = await client.PostAsJsonAsync("/api/v1/auth/login", new { username = "admin", password = "guess" });
        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
    }

    [Fact]
    public async Task Disabling_a_user_ends_their_session_and_is_audited()
    {
        using var app = new SwitchboardApp();
        using var admin = await app.SignInAsync(Roles.Admin, "root");
        using var viewer = await app.SignInAsync(Roles.Viewer, "watcher");
        var id = (await app.Services.GetRequiredService<UserStore>().FindByNameAsync("watcher", CancellationToken.None))!.Id;

        using var patch = await admin.PatchAsJsonAsync($"/api/v1/admin/users/{id}", new { disabled = true });
        Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await viewer.GetAsync("/api/v1/calls")).StatusCode);

        var audit = await admin.GetFromJsonAsync<JsonElement>("/api/v1/admin/audit?action=user.*");
        var entry = audit.EnumerateArray().First();
        Assert.Equal("root", entry.GetProperty("actor").GetString());
        Assert.Equal("user.update", entry.GetProperty("action").GetString());
        Assert.Equal("watcher", entry.GetProperty("target").GetString());
    }

    [Fact]
    public async Task Admins_create_and_revoke_api_keys()
    {
        using var app = new SwitchboardApp();
        using var admin = await app.SignInAsync(Roles.Admin);
        using var created = await admin.PostAsJsonAsync("/api/v1/admin/keys", new { name = "wallboard-tv", scope = "viewer" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        var secret = body.GetProperty("secret").GetString()!;
        var id = body.GetProperty("key").GetProperty("id").GetString()!;

        using var tv = app.ClientWithKey(secret);
        Assert.Equal(HttpStatusCode.OK, (await tv.GetAsync("/api/v1/calls")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/admin/keys/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await tv.GetAsync("/api/v1/calls")).StatusCode);
        var keys = await admin.GetFromJsonAsync<JsonElement>("/api/v1/admin/keys");
        Assert.DoesNotContain(secret, keys.GetRawText(), StringComparison.Ordinal);
    }

    [GeneratedRegex("password '([^']+)'")]
    private static partial Regex PasswordLine();
}
