using System.Net.Http.Json;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Server.Identity;
using Switchboard.Server.Tests.Infrastructure;

namespace Switchboard.Server.Tests.Integration;

/// <summary>
/// Every endpoint against every kind of caller. Where a caller is allowed, the request is built so
/// that it changes nothing (unknown ids, invalid bodies) and the asserted code is the handler's own.
/// </summary>
public sealed class AuthorizationMatrixTests
{
    private static readonly string[] Principals = ["anonymous", "viewer", "supervisor", "admin", "agent key", "viewer key", "revoked key"];

    // Expected status per principal, in the order of Principals.
    private static readonly (string Method, string Path, object? Body, int[] Expected)[] Matrix =
    [
        ("GET", "/healthz", null, [200, 200, 200, 200, 200, 200, 200]),
        ("GET", "/readyz", null, [200, 200, 200, 200, 200, 200, 200]),
        ("GET", "/metrics", null, [401, 200, 200, 200, 403, 200, 401]),
        ("GET", "/openapi/v1.json", null, [200, 200, 200, 200, 200, 200, 200]),
        ("POST", "/api/v1/auth/login", new { username = "nobody", password = "wrong" }, [401, 401, 401, 401, 401, 401, 401]),
        ("GET", "/api/v1/auth/me", null, [401, 200, 200, 200, 403, 400, 401]),
        ("GET", "/api/v1/auth/antiforgery", null, [401, 200, 200, 200, 403, 400, 401]),
        ("POST", "/api/v1/auth/password", new { currentPassword = "wrong", newPassword = "whatever it is long" }, [401, 400, 400, 400, 403, 400, 401]),
        ("POST", "/api/v1/events", new { }, [401, 403, 403, 403, 400, 403, 401]),
        ("GET", "/api/v1/agent/ws", null, [401, 403, 403, 403, 400, 403, 401]),
        ("GET", "/api/v1/calls", null, [401, 200, 200, 200, 403, 200, 401]),
        ("GET", "/api/v1/calls/CALL_none", null, [401, 404, 404, 404, 403, 404, 401]),
        ("GET", "/api/v1/calls/CALL_none/events", null, [401, 200, 200, 200, 403, 200, 401]),
        ("GET", "/api/v1/calls/CALL_none/stream", null, [401, 200, 200, 200, 403, 200, 401]),
        ("GET", "/api/v1/wallboard/stream", null, [401, 200, 200, 200, 403, 200, 401]),
        ("GET", "/api/v1/latency", null, [401, 200, 200, 200, 403, 200, 401]),
        ("POST", "/api/v1/calls/CALL_none/listen", new { }, [401, 403, 404, 404, 403, 403, 401]),
        ("POST", "/api/v1/calls/CALL_none/leave", new { }, [401, 403, 404, 404, 403, 403, 401]),
        ("POST", "/api/v1/calls/CALL_none/guide", new { text = "hi" }, [401, 403, 404, 404, 403, 403, 401]),
        ("POST", "/api/v1/calls/CALL_none/takeover", new { }, [401, 403, 404, 404, 403, 403, 401]),
        ("POST", "/api/v1/calls/CALL_none/say", new { text = "hi" }, [401, 403, 404, 404, 403, 403, 401]),
        ("POST", "/api/v1/calls/CALL_none/handback", new { }, [401, 403, 404, 404, 403, 403, 401]),
        ("POST", "/api/v1/calls/CALL_none/transfer", new { destination = "billing" }, [401, 403, 404, 404, 403, 403, 401]),
        ("POST", "/api/v1/calls/CALL_none/end", new { }, [401, 403, 404, 404, 403, 403, 401]),
        ("POST", "/api/v1/calls/CALL_none/recording", null, [401, 403, 409, 409, 403, 403, 401]),
        ("GET", "/api/v1/transfer-destinations", null, [401, 403, 200, 200, 403, 403, 401]),
        ("GET", "/api/v1/escalations", null, [401, 403, 200, 200, 403, 403, 401]),
        ("GET", "/api/v1/escalations/help_none", null, [401, 403, 404, 404, 403, 403, 401]),
        ("GET", "/api/v1/escalations/stream", null, [401, 403, 200, 200, 403, 403, 401]),
        ("POST", "/api/v1/escalations/help_none/claim", null, [401, 403, 404, 404, 403, 403, 401]),
        ("POST", "/api/v1/escalations/help_none/answer", new { answer = "x" }, [401, 403, 404, 404, 403, 403, 401]),
        ("GET", "/api/v1/kb/search?q=parking", null, [401, 403, 200, 200, 200, 403, 401]),
        ("GET", "/api/v1/kb", null, [401, 403, 200, 200, 403, 403, 401]),
        ("POST", "/api/v1/kb", new { }, [401, 403, 400, 400, 403, 403, 401]),
        ("GET", "/api/v1/kb/999", null, [401, 403, 404, 404, 403, 403, 401]),
        ("PUT", "/api/v1/kb/999", new { answer = "x" }, [401, 403, 404, 404, 403, 403, 401]),
        ("POST", "/api/v1/kb/999/approve", null, [401, 403, 404, 404, 403, 403, 401]),
        ("POST", "/api/v1/kb/999/reject", null, [401, 403, 404, 404, 403, 403, 401]),
        ("POST", "/api/v1/kb/999/merge", new { into = 1 }, [401, 403, 404, 404, 403, 403, 401]),
        ("GET", "/api/v1/admin/users", null, [401, 403, 403, 200, 403, 403, 401]),
        ("POST", "/api/v1/admin/users", new { }, [401, 403, 403, 400, 403, 403, 401]),
        ("PATCH", "/api/v1/admin/users/nobody", new { }, [401, 403, 403, 404, 403, 403, 401]),
        ("POST", "/api/v1/admin/users/nobody/password", new { }, [401, 403, 403, 404, 403, 403, 401]),
        ("GET", "/api/v1/admin/keys", null, [401, 403, 403, 200, 403, 403, 401]),
        ("POST", "/api/v1/admin/keys", new { }, [401, 403, 403, 400, 403, 403, 401]),
        ("DELETE", "/api/v1/admin/keys/nokey", null, [401, 403, 403, 404, 403, 403, 401]),
        ("GET", "/api/v1/admin/audit", null, [401, 403, 403, 200, 403, 403, 401]),
        ("GET", "/api/v1/admin/outbound/subscriptions", null, [401, 403, 403, 200, 403, 403, 401]),
        ("POST", "/api/v1/admin/outbound/subscriptions", new { }, [401, 403, 403, 400, 403, 403, 401]),
        ("GET", "/api/v1/admin/outbound/subscriptions/sub_none", null, [401, 403, 403, 404, 403, 403, 401]),
        ("PATCH", "/api/v1/admin/outbound/subscriptions/sub_none", new { }, [401, 403, 403, 404, 403, 403, 401]),
        ("DELETE", "/api/v1/admin/outbound/subscriptions/sub_none", null, [401, 403, 403, 404, 403, 403, 401]),
        ("POST", "/api/v1/admin/outbound/subscriptions/sub_none/rotate", null, [401, 403, 403, 404, 403, 403, 401]),
        ("POST", "/api/v1/admin/outbound/subscriptions/sub_none/replay", new { }, [401, 403, 403, 404, 403, 403, 401]),
        ("GET", "/api/v1/admin/outbound/subscriptions/sub_none/calls", null, [401, 403, 403, 404, 403, 403, 401]),
        ("GET", "/api/v1/admin/outbound/subscriptions/sub_none/deliveries", null, [401, 403, 403, 404, 403, 403, 401]),

        // Last, because it ends the sessions.
        ("POST", "/api/v1/auth/logout", null, [401, 204, 204, 204, 403, 204, 401]),
    ];

    [Fact]
    public async Task Every_endpoint_answers_each_kind_of_caller_as_specified()
    {
        using var app = new SwitchboardApp();
        var revoked = app.CreateKey("viewer", "to-revoke");
        var store = app.Services.GetRequiredService<ApiKeyStore>();
        await store.RevokeAsync((await store.ListAsync(CancellationToken.None)).Single(k => k.Name == "to-revoke").Id, CancellationToken.None);
        HttpClient[] clients =
        [
            app.ClientWithKey(null),
            await app.SignInAsync(Roles.Viewer),
            await app.SignInAsync(Roles.Supervisor),
            await app.SignInAsync(Roles.Admin),
            app.ClientWithKey(app.CreateKey("agent")),
            app.ClientWithKey(app.CreateKey("viewer")),
            app.ClientWithKey(revoked),
        ];

        var mismatches = new StringBuilder();
        foreach (var (method, path, body, expected) in Matrix)
        {
            for (var p = 0; p < Principals.Length; p++)
            {
                var actual = await StatusAsync(clients[p], method, path, body);
                if (actual != expected[p])
                {
                    mismatches.AppendLine($"{method} {path} as {Principals[p]}: expected {expected[p]}, got {actual}");
                }
            }
        }

        foreach (var client in clients)
        {
            client.Dispose();
        }

        Assert.True(mismatches.Length == 0, mismatches.ToString());
    }

    [Fact]
    public async Task Refused_requests_are_in_the_audit_trail_with_who_and_where()
    {
        using var app = new SwitchboardApp();
        using var viewer = await app.SignInAsync(Roles.Viewer, "vera");
        using var agent = app.ClientWithKey(app.CreateKey("agent", "salon-agent"));
        using var anonymous = app.ClientWithKey(null);
        await viewer.PostAsJsonAsync("/api/v1/calls/CALL_1/takeover", new { });
        await agent.GetAsync("/api/v1/admin/users");
        await anonymous.GetAsync("/api/v1/calls");

        var denied = (await app.Services.GetRequiredService<AuditLog>().QueryAsync(new AuditQuery(Action: "auth.denied"), CancellationToken.None));
        Assert.Contains(denied, e => e is { Actor: "vera", ActorKind: "user", Target: "POST /api/v1/calls/CALL_1/takeover" });
        Assert.Contains(denied, e => e is { Actor: "salon-agent", ActorKind: "key", Target: "GET /api/v1/admin/users" });
        Assert.Contains(denied, e => e is { Actor: "anonymous", Target: "GET /api/v1/calls" });
        Assert.All(denied, e => Assert.Equal(TimeSpan.Zero, e.At.Offset));
    }

    private static async Task<int> StatusAsync(HttpClient client, string method, string path, object? body)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        // Streams answer with headers and then stay open: read only the status.
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        return (int)response.StatusCode;
    }
}
