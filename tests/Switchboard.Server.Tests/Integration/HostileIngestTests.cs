using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Switchboard.Contracts.Agent;
using Switchboard.Contracts.Events;
using Switchboard.Server.Identity;
using Switchboard.Server.Tests.Infrastructure;

namespace Switchboard.Server.Tests.Integration;

/// <summary>Input that passes a JSON parser but is not what the log may hold: refused alone, with a problem saying what is wrong.</summary>
public sealed class HostileIngestTests : IDisposable
{
    private readonly SwitchboardApp _app = new();
    private readonly string _agentKey;
    private readonly HttpClient _agent;
    private readonly HttpClient _viewer;

    public HostileIngestTests()
    {
        _agentKey = _app.CreateKey(ApiKeyScopes.Agent);
        _agent = _app.ClientWithKey(_agentKey);
        _viewer = _app.ClientWithKey(_app.CreateKey(ApiKeyScopes.Viewer));
    }

    public void Dispose() => _app.Dispose();

    /// <summary>A batch of one event whose data holds <paramref name="damage"/> inside a string, as raw bytes.</summary>
    private static byte[] DamagedBatch(string callId, string id, string type, byte[] damage)
    {
        var before = Encoding.UTF8.GetBytes(
            $$"""{"events":[{"id":"{{id}}","callId":"{{callId}}","type":"{{type}}","at":"2026-11-21T10:00:00Z","data":{"toolCallId":"t1","name":"lookup","arguments":{"note":"ab""");
        var after = Encoding.UTF8.GetBytes("""cd"}}}]}""");
        return [.. before, .. damage, .. after];
    }

    private async Task<(HttpStatusCode Status, JsonElement Problem)> PostRawAsync(byte[] body)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await _agent.PostAsync("/api/v1/events", content);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length > 0 ? JsonDocument.Parse(text).RootElement.Clone() : default);
    }

    [Theory]
    [InlineData(EventTypes.ToolCalled, new byte[] { 0xFF, 0xFE })]
    [InlineData(EventTypes.ToolCalled, new byte[] { 0xC3 })]
    [InlineData("x-payment", new byte[] { 0xED, 0xA0, 0x80 })]
    [InlineData("x-payment", new byte[] { (byte)'\\', (byte)'u', (byte)'d', (byte)'8', (byte)'0', (byte)'0' })]
    public async Task Text_that_is_not_text_inside_data_is_refused_with_a_400_naming_the_field(string type, byte[] damage)
    {
        await Events.PostAsync(_agent, Events.Started("U1"));

        var (status, problem) = await PostRawAsync(DamagedBatch("U1", "bad", type, damage));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("data.arguments.note is not valid text", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(["start"], (await Events.ReadAllAsync(_viewer, "U1")).Select(e => e.Id));
    }

    [Fact]
    public async Task One_sender_of_damaged_text_fails_only_its_own_batches_while_others_are_acknowledged()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var honest = Enumerable.Range(0, 8).Select(async agent =>
        {
            var failures = 0;
            for (var i = 0; i < 40; i++)
            {
                var batch = Events.Batch(Events.Line($"H{agent}", $"l{i}", "hello there"), Events.Line($"H{agent}", $"m{i}", "and again"));
                using var response = await _agent.PostAsJsonAsync("/api/v1/events", batch, cts.Token);
                failures += response.IsSuccessStatusCode ? 0 : 1;
            }

            return failures;
        }).ToList();
        var hostile = Task.Run(async () =>
        {
            var refused = 0;
            for (var i = 0; i < 200; i++)
            {
                refused += (await PostRawAsync(DamagedBatch("EVIL", "e" + i, EventTypes.ToolCalled, [0xFF]))).Status == HttpStatusCode.BadRequest ? 1 : 0;
            }

            return refused;
        }, cts.Token);

        Assert.All(await Task.WhenAll(honest), failures => Assert.Equal(0, failures));
        Assert.Equal(200, await hostile);
        Assert.Equal(80, (await Events.ReadAllAsync(_viewer, "H3")).Count);
    }

    [Theory]
    [InlineData("a/b", "may not contain '/'")]
    [InlineData("a\\b", "may not contain '\\'")]
    [InlineData("a\u0000b", "character 2 is U+0000")]
    [InlineData("a\nb", "character 2 is U+000A")]
    [InlineData("a\u202Eb", "character 2 is U+202E")]
    [InlineData("..", "may not be '.' or '..'")]
    public async Task A_call_id_that_no_route_can_address_is_refused_at_ingest(string callId, string expected)
    {
        using var response = await _agent.PostAsJsonAsync("/api/v1/events", Events.Batch(Events.Started(callId)));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var detail = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString();
        Assert.Contains("callId ", detail, StringComparison.Ordinal);
        Assert.Contains(expected, detail, StringComparison.Ordinal);
        var list = await _viewer.GetFromJsonAsync<JsonElement>("/api/v1/calls?status=all");
        Assert.Empty(list.GetProperty("stored").EnumerateArray());
    }

    [Fact]
    public async Task Event_and_segment_ids_with_control_characters_are_refused()
    {
        var badId = Events.Line("C1", "l\u0007", "hi");
        var badSegment = Events.Make("C1", "l2", EventTypes.TranscriptFinal, new { speaker = "customer", segmentId = "s\u0000", text = "hi" });
        using var response = await _agent.PostAsJsonAsync("/api/v1/events", Events.Batch(badId, badSegment));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("events[0].id", out _));
        Assert.True(errors.TryGetProperty("events[1].data.segmentId", out _));
    }

    [Fact]
    public async Task The_agent_socket_refuses_damaged_text_and_bad_subscriptions_and_stays_open()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var socket = await AgentSocket.ConnectAsync(_app, _agentKey, cts.Token);
        var before = Encoding.UTF8.GetBytes(
            """{"op":"events","ref":"r1","events":[{"id":"x1","callId":"WS1","type":"x-note","at":"2026-11-21T10:00:00Z","data":{"arguments":{"note":"a""");
        await socket.SendBytesAsync([.. before, 0xFF, .. Encoding.UTF8.GetBytes("\"}}}]}")], cts.Token);
        var rejected = await socket.ReceiveOpAsync(AgentOps.Rejected, cts.Token);
        Assert.Equal("r1", rejected.Ref);
        Assert.Contains("not valid text", rejected.Problem!.Value.GetProperty("detail").GetString(), StringComparison.Ordinal);

        await socket.SendAsync(new { op = "subscribe", @ref = "r2", callIds = new[] { "ok", "bad/id" } }, cts.Token);
        var refused = await socket.ReceiveOpAsync(AgentOps.Rejected, cts.Token);
        Assert.Equal("r2", refused.Ref);
        Assert.Contains("callIds[1]", refused.Problem!.Value.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // The same connection still takes good batches.
        await socket.SendAsync(new { op = "events", @ref = "r3", events = new[] { Events.Started("WS1") } }, cts.Token);
        var ack = await socket.ReceiveOpAsync(AgentOps.Ack, cts.Token);
        Assert.Equal(1, Assert.Single(ack.Results!).Seq);
    }
}
