using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Server.Identity;
using Switchboard.Server.Tests.Infrastructure;

namespace Switchboard.Server.Tests.Integration;

/// <summary>The dashboard's files and pages are served to every session; the API's rules stay on the API.</summary>
public sealed partial class DashboardRouteTests
{
    [Fact]
    public async Task A_session_that_must_change_its_password_still_loads_the_dashboard_but_not_the_api()
    {
        using var app = new SwitchboardApp();
        await app.Services.GetRequiredService<UserStore>().CreateAsync("newcomer", Sessions.Password, Roles.Supervisor, ["*"], mustChangePassword: true, CancellationToken.None);
        using var client = app.CreateClient();
        await Sessions.LoginAsync(client, "newcomer", Sessions.Password);

        // A reload of any page: the app's page, its client routes and its assets.
        foreach (var page in new[] { "/", "/index.html", "/calls/CALL_x", "/admin" })
        {
            using var response = await client.GetAsync(page);
            Assert.Equal((HttpStatusCode.OK, "text/html"), (response.StatusCode, response.Content.Headers.ContentType?.MediaType));
        }

        var index = await client.GetStringAsync("/");
        var asset = AssetPath().Match(index);
        Assert.True(asset.Success, "index.html names no /assets/ file");
        using (var script = await client.GetAsync(asset.Value))
        {
            Assert.Equal(HttpStatusCode.OK, script.StatusCode);
            Assert.NotEqual("application/problem+json", script.Content.Headers.ContentType?.MediaType);
        }

        // The dashboard asks who is signed in and learns it must show the password form.
        var me = await client.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/v1/auth/me");
        Assert.True(me.GetProperty("mustChangePassword").GetBoolean());

        // The rest of the API still refuses until the password is changed.
        using var calls = await client.GetAsync("/api/v1/calls");
        Assert.Equal(HttpStatusCode.Forbidden, calls.StatusCode);
        Assert.Contains("Password change required", await calls.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var metrics = await client.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.Forbidden, metrics.StatusCode);
    }

    [GeneratedRegex("/assets/[^\"']+\\.js")]
    private static partial Regex AssetPath();
}
