using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Switchboard.Dashboard.Tests.Infrastructure;

/// <summary>Reports calls to the server over the HTTP ingest API, as an agent would.</summary>
public sealed class TestAgent(Uri server, string agentKey) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler())
    {
        BaseAddress = server,
        Timeout = TimeSpan.FromSeconds(10),
        DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", agentKey) },
    };

    private int _next;

    public static JsonObject Event(string callId, string type, object data) => new()
    {
        ["id"] = Guid.NewGuid().ToString("N"),
        ["callId"] = callId,
        ["type"] = type,
        ["at"] = DateTimeOffset.UtcNow.ToString("O"),
        ["data"] = JsonSerializer.SerializeToNode(data, JsonSerializerOptions.Web),
    };

    public Task StartAsync(string callId, string caller, string persona, CancellationToken cancellationToken) => PostAsync(
        cancellationToken,
        Event(callId, "call.started", new { agentName = persona, direction = "inbound", caller = new { name = caller, number = "+1555010" + (_next++ % 10) } }),
        Event(callId, "participant.joined", new { identity = "caller-" + callId, role = "customer", name = caller }),
        Event(callId, "participant.joined", new { identity = "agent-" + callId, role = "agent", name = persona }),
        Event(callId, "agent.state", new { state = "listening" }));

    public Task LineAsync(string callId, string speaker, string text, CancellationToken cancellationToken) =>
        PostAsync(cancellationToken, Event(callId, "transcript.final", new { speaker, segmentId = Guid.NewGuid().ToString("N"), text }));

    public Task InterimAsync(string callId, string speaker, string text, CancellationToken cancellationToken) =>
        PostAsync(cancellationToken, Event(callId, "transcript.interim", new { speaker, segmentId = "forming-" + callId, text }));

    public Task StateAsync(string callId, string state, CancellationToken cancellationToken) =>
        PostAsync(cancellationToken, Event(callId, "agent.state", new { state }));

    public Task EndAsync(string callId, CancellationToken cancellationToken) =>
        PostAsync(cancellationToken, Event(callId, "call.ended", new { reason = "completed" }));

    public async Task PostAsync(CancellationToken cancellationToken, params JsonObject[] events)
    {
        using var response = await _http.PostAsJsonAsync("/api/v1/events", new JsonObject { ["events"] = new JsonArray(events) }, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"POST /api/v1/events answered {(int)response.StatusCode}: {body}");
    }

    public void Dispose() => _http.Dispose();
}
