using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Server.Identity;
using Switchboard.Server.Outbound;
using Switchboard.Server.Tests.Infrastructure;

namespace Switchboard.Server.Tests.Integration.Outbound;

/// <summary>The admin API of subscriptions: who may use it, what it refuses and why, secrets shown once, every change audited.</summary>
public sealed class OutboundAdminTests : IAsyncLifetime
{
    private const string Path = "/api/v1/admin/outbound/subscriptions";
    private readonly SwitchboardApp _app = new();
    private HttpClient _admin = null!;

    public async Task InitializeAsync() => _admin = await _app.SignInAsync(Roles.Admin, "root");

    public Task DisposeAsync()
    {
        _admin.Dispose();
        _app.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_viewer_and_a_supervisor_are_refused()
    {
        using var viewer = await _app.SignInAsync(Roles.Viewer);
        using var supervisor = await _app.SignInAsync(Roles.Supervisor);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.GetAsync(Path)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await supervisor.PostAsJsonAsync(Path, new { name = "x", url = "http://127.0.0.1:9/" })).StatusCode);
    }

    [Fact]
    public async Task Refused_fields_are_named_in_the_problem()
    {
        var cases = new (object Body, string Field)[]
        {
            (new { url = "http://127.0.0.1:9/" }, "name"),
            (new { name = "crm", url = "ftp://example.com/" }, "url"),
            (new { name = "crm", url = "not a url" }, "url"),
            (new { name = "crm", url = "http://127.0.0.1:9/", eventTypes = Array.Empty<string>() }, "eventTypes"),
            (new { name = "crm", url = "http://127.0.0.1:9/", eventTypes = new[] { "Transcript final" } }, "eventTypes"),
            (new { name = "crm", url = "http://127.0.0.1:9/", callId = "has space" }, "callId"),
        };
        foreach (var (body, field) in cases)
        {
            using var response = await _admin.PostAsJsonAsync(Path, body);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{field}: {problem}");
        }

        var (id, _) = await OutboundReceiving.SubscribeAsync(_admin, new Uri("http://127.0.0.1:9/"));
        using var replay = await _admin.PostAsJsonAsync($"{Path}/{id}/replay", new { fromSeq = 3 });
        Assert.Equal(HttpStatusCode.BadRequest, replay.StatusCode);
        Assert.True((await replay.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("fromSeq", out _));
    }

    [Fact]
    public async Task The_secret_is_shown_on_creation_and_rotation_only_and_every_change_is_audited()
    {
        var (id, secret) = await OutboundReceiving.SubscribeAsync(_admin, new Uri("http://127.0.0.1:9/hooks"), ["transcript.*"]);
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        Assert.Equal(32, WebhookSignature.KeyOf(secret).Length);
        var listed = await _admin.GetStringAsync(Path);
        Assert.DoesNotContain(secret[6..], listed, StringComparison.Ordinal);
        Assert.Contains("\"state\":\"active\"", listed, StringComparison.Ordinal);

        using var rotate = await _admin.PostAsync($"{Path}/{id}/rotate", null);
        var rotated = await rotate.Content.ReadFromJsonAsync<JsonElement>();
        var fresh = rotated.GetProperty("secret").GetString()!;
        Assert.NotEqual(secret, fresh);
        var stored = await _app.Services.GetRequiredService<IOutboundRecords>().FindAsync(id, CancellationToken.None);
        Assert.Equal(fresh, stored!.Secret);
        Assert.Equal(secret, stored.PreviousSecret);
        Assert.DoesNotContain(fresh[6..], await _admin.GetStringAsync($"{Path}/{id}"), StringComparison.Ordinal);

        using (var paused = await _admin.PatchAsJsonAsync($"{Path}/{id}", new { paused = true }))
        {
            Assert.Equal("paused", (await paused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("state").GetString());
        }

        Assert.Equal(HttpStatusCode.NoContent, (await _admin.DeleteAsync($"{Path}/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _admin.GetAsync($"{Path}/{id}")).StatusCode);

        var audit = await _app.Services.GetRequiredService<AuditLog>().QueryAsync(new AuditQuery(Action: "outbound.*"), CancellationToken.None);
        Assert.Equal(["outbound.create", "outbound.rotate", "outbound.update", "outbound.delete"], audit.Reverse().Select(a => a.Action).ToList());
        Assert.All(audit, a => Assert.Equal("root", a.Actor));
        var everything = JsonSerializer.Serialize(audit);
        Assert.DoesNotContain(secret[6..], everything, StringComparison.Ordinal);
        Assert.DoesNotContain(fresh[6..], everything, StringComparison.Ordinal);
    }
}
