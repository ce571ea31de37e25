using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Switchboard.Server.Tests.Integration;

/// <summary>
/// The alert rules (deploy/prometheus/alerts.yml) and the Grafana dashboard
/// (deploy/grafana/switchboard.json) read only metrics a running server exports: a server process
/// is given a call with turns, errors, an escalation, an intervention, a live stream, a LiveKit
/// webhook and an archived end, and its <c>/metrics</c> must then carry every name they use.
/// </summary>
public sealed partial class MonitoringNamesTests
{
    private const string Password = "a supervisor's password";

    [Fact]
    public async Task Every_metric_the_alert_rules_and_the_dashboard_use_is_exported_by_a_running_server()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var used = UsedNames();
        // Read from both files: one name the rules use, one only the dashboard does.
        Assert.Contains("switchboard_reconciler_ghost_calls_total", used);
        Assert.Contains("switchboard_call_cost_sum", used);

        var data = Path.Combine(Path.GetTempPath(), "switchboard-monitoring-tests", Guid.NewGuid().ToString("N"));
        var agentKey = await ServerProcess.CreateKeyAsync(data, ServerSettings.Tests, "agent", "monitoring", cts.Token);
        var viewerKey = await ServerProcess.CreateKeyAsync(data, ServerSettings.Tests, "viewer", "monitoring-viewer", cts.Token);
        using var server = await ServerProcess.StartAsync(data, cts.Token, "--LiveKit:WebhookKeys:APIwebhooks=a-webhook-secret-of-some-length");
        try
        {
            using var agent = Client(server, agentKey);
            using var viewer = Client(server, viewerKey);
            using var supervisor = await SupervisorAsync(server, cts.Token);
            const string call = "CALL_monitoring_1";
            await PostAsync(agent, cts.Token, Event(call, "s", "call.started", new { agentName = "monitor", persona = "support" }));

            // A live stream on the call, so that delivery to it is measured.
            using var stream = await viewer.GetAsync($"/api/v1/calls/{call}/stream", HttpCompletionOption.ResponseHeadersRead, cts.Token);
            Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
            var reading = ReadUntilAsync(await stream.Content.ReadAsStreamAsync(cts.Token), "metrics.turn", cts.Token);

            await PostAsync(
                agent,
                cts.Token,
                Event(call, "l1", "transcript.final", new { segmentId = "g1", speaker = "customer", text = "I need to change my invoice address." }),
                Event(call, "m1", "metrics.turn", new { turnId = "t1", endOfUtteranceMs = 300, sttMs = 120, llmTtftMs = 450, llmTotalMs = 900, ttsTtfbMs = 200, e2eMs = 1100, promptTokens = 800, completionTokens = 60, model = "gpt-4o-mini" }),
                Event(call, "e1", "x-agent.error", new { type = "llm_unavailable", message = "every model failed" }),
                Event(call, "r1", "tool.result", new { toolCallId = "tc1", name = "lookup", ok = false, error = "timeout" }),
                Event(call, "q1", "escalation.requested", new { requestId = "help-1", question = "Can the invoice address change after billing?", topic = "billing", timeoutMs = 30000 }));
            await reading;

            var guided = await supervisor.TrySendAsync(HttpMethod.Post, $"/api/v1/calls/{call}/guide", new { text = "Offer to send the form by email." }, cts.Token);
            Assert.True(guided.Status is HttpStatusCode.OK or HttpStatusCode.Accepted, $"guide answered {guided.Status}: {guided.Answer}");

            using (var webhook = new HttpRequestMessage(HttpMethod.Post, "/api/v1/livekit/webhook") { Content = JsonContent.Create(new { @event = "room_started" }) })
            {
                webhook.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "not-a-signed-token");
                using var refused = await viewer.SendAsync(webhook, cts.Token);
                Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            }

            await PostAsync(agent, cts.Token, Event(call, "end", "call.ended", new { reason = "completed" }));

            // The archive summarises the ended call a moment later (its cost is counted then).
            HashSet<string> missing;
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (true)
            {
                var names = PrometheusNames(await MetricsTextAsync(viewer, cts.Token));
                missing = [.. used.Where(n => !names.Contains(n))];
                if (missing.Count == 0 || DateTime.UtcNow > deadline)
                {
                    break;
                }

                await Task.Delay(250, cts.Token);
            }

            Assert.True(missing.Count == 0, "not exported: " + string.Join(", ", missing.Order(StringComparer.Ordinal)));
        }
        finally
        {
            server.Dispose();
            ServerProcess.DeleteDataDirectory(data);
        }
    }

    /// <summary>Every metric name in the alert rules' and the dashboard's queries.</summary>
    private static HashSet<string> UsedNames()
    {
        var root = ServerProcess.RepositoryRoot;
        var rules = File.ReadAllText(Path.Combine(root, "deploy", "prometheus", "alerts.yml"));
        var exprs = new List<string> { rules };
        using (var dashboard = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "deploy", "grafana", "switchboard.json"))))
        {
            foreach (var panel in dashboard.RootElement.GetProperty("panels").EnumerateArray())
            {
                if (panel.TryGetProperty("targets", out var targets))
                {
                    exprs.AddRange(targets.EnumerateArray().Select(t => t.GetProperty("expr").GetString()!));
                }
            }
        }

        return [.. exprs.SelectMany(e => MetricName().Matches(e).Select(m => m.Value))];
    }

    private static HashSet<string> PrometheusNames(string text) => PrometheusText.Names(text);

    [GeneratedRegex(@"\b(?:switchboard|dotnet|http_server|kestrel|aspnetcore)_[a-z0-9_]+\b")]
    private static partial Regex MetricName();

    private static HttpClient Client(ServerProcess server, string key)
    {
        var http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return http;
    }

    private static async Task<ApiSession> SupervisorAsync(ServerProcess server, CancellationToken cancellationToken)
    {
        var bootstrap = await server.BootstrapPasswordAsync(cancellationToken);
        using (var admin = await ApiSession.SignInAsync(server.BaseAddress, "admin", bootstrap, cancellationToken))
        {
            await admin.PostAsync("/api/v1/auth/password", new { currentPassword = bootstrap, newPassword = "the admin's own password" }, cancellationToken);
            await admin.PostAsync("/api/v1/admin/users", new { username = "mona", password = Password, role = "supervisor", skills = new[] { "sales" }, mustChangePassword = false }, cancellationToken);
        }

        return await ApiSession.SignInAsync(server.BaseAddress, "mona", Password, cancellationToken);
    }

    private static object Event(string callId, string id, string type, object data) =>
        new { id = callId + "-" + id, callId, type, at = DateTimeOffset.UtcNow, data };

    private static async Task PostAsync(HttpClient agent, CancellationToken cancellationToken, params object[] events)
    {
        using var response = await agent.PostAsJsonAsync("/api/v1/events", new { events }, cancellationToken);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
    }

    private static async Task<string> MetricsTextAsync(HttpClient viewer, CancellationToken cancellationToken) =>
        await viewer.GetStringAsync("/metrics", cancellationToken);

    private static async Task ReadUntilAsync(Stream stream, string type, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(stream);
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line == "event: " + type)
            {
                return;
            }
        }

        throw new InvalidOperationException($"The stream ended before a {type} event.");
    }
}
