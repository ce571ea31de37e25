using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Contracts.Events;
using Switchboard.Server.Identity;
using Switchboard.Server.Tests.Infrastructure;

namespace Switchboard.Server.Tests.Integration;

public sealed class IngestTests : IDisposable
{
    private readonly SwitchboardApp _app = new();
    private readonly HttpClient _agent;
    private readonly HttpClient _viewer;

    public IngestTests()
    {
        _agent = _app.ClientWithKey(_app.CreateKey(ApiKeyScopes.Agent));
        _viewer = _app.ClientWithKey(_app.CreateKey(ApiKeyScopes.Viewer));
    }

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task A_batch_is_acknowledged_with_gap_free_sequence_numbers()
    {
        var ack = await Events.PostAsync(_agent, Events.Started("C1"), Events.Line("C1", "l1", "hi"), Events.Line("C1", "l2", "there"));
        Assert.Equal([1L, 2L, 3L], ack.Results.Select(r => r.Seq));
        Assert.All(ack.Results, r => Assert.False(r.Duplicate));
    }

    [Fact]
    public async Task A_resent_event_is_stored_once_and_acknowledged_with_its_original_seq()
    {
        await Events.PostAsync(_agent, Events.Started("C1"), Events.Line("C1", "l1", "hi"));
        var again = await Events.PostAsync(_agent, Events.Line("C1", "l1", "hi"), Events.Line("C1", "l2", "new"));

        Assert.Equal(2, again.Results[0].Seq);
        Assert.True(again.Results[0].Duplicate);
        Assert.Equal(3, again.Results[1].Seq);
        var stored = await Events.ReadAllAsync(_viewer, "C1");
        Assert.Equal(["start", "l1", "l2"], stored.Select(e => e.Id));
        Assert.Equal([1L, 2L, 3L], stored.Select(e => e.Seq));
    }

    [Fact]
    public async Task The_same_id_twice_in_one_batch_is_stored_once()
    {
        var ack = await Events.PostAsync(_agent, Events.Line("C9", "dup", "a"), Events.Line("C9", "dup", "a"));
        Assert.Equal(1, ack.Results[1].Seq);
        Assert.True(ack.Results[1].Duplicate);
        Assert.Single(await Events.ReadAllAsync(_viewer, "C9"));
    }

    [Fact]
    public async Task An_invalid_event_rejects_the_whole_batch_and_names_the_event_and_field()
    {
        await Events.PostAsync(_agent, Events.Started("C1"));
        var bad = Events.Make("C1", "bad-1", EventTypes.TranscriptFinal, new { speaker = "customer", segmentId = "s" });

        using var response = await _agent.PostAsJsonAsync("/api/v1/events", Events.Batch(Events.Line("C1", "ok-1", "fine"), bad));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("events[1] (id 'bad-1'): data.text is required", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.True(problem.GetProperty("errors").TryGetProperty("events[1].data.text", out _));
        // Nothing of the batch was stored, and what was accepted before is intact.
        var stored = await Events.ReadAllAsync(_viewer, "C1");
        Assert.Equal(["start"], stored.Select(e => e.Id));
    }

    [Fact]
    public async Task Malformed_json_gets_a_problem_saying_where()
    {
        using var content = new StringContent("{\"events\": [ {\"id\": 1,, ] }", Encoding.UTF8, "application/json");
        using var response = await _agent.PostAsync("/api/v1/events", content);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("line 1", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Batches_over_the_documented_limits_are_refused()
    {
        var many = Enumerable.Range(0, Limits.MaxBatchEvents + 1).Select(i => Events.Line("C1", "e" + i, "x")).ToArray();
        using var tooMany = await _agent.PostAsJsonAsync("/api/v1/events", Events.Batch(many));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooMany.StatusCode);

        var huge = Enumerable.Range(0, 200).Select(i => Events.Line("C1", "h" + i, new string('a', 7000))).ToArray();
        using var tooBig = await _agent.PostAsJsonAsync("/api/v1/events", Events.Batch(huge));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooBig.StatusCode);

        using var empty = await _agent.PostAsJsonAsync("/api/v1/events", new JsonObject { ["events"] = new JsonArray() });
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Empty(await Events.ReadAllAsync(_viewer, "C1"));
    }

    [Fact]
    public async Task Keys_are_checked_for_presence_validity_and_scope()
    {
        using var anonymous = _app.ClientWithKey(null);
        using var wrong = _app.ClientWithKey("sbk_not-a-real-key");
        var batch = Events.Batch(Events.Started("C1"));

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/api/v1/events", batch)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.PostAsJsonAsync("/api/v1/events", batch)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await _viewer.PostAsJsonAsync("/api/v1/events", batch)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await _agent.GetAsync("/api/v1/calls")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/calls")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _viewer.GetAsync("/api/v1/calls")).StatusCode);
    }

    [Fact]
    public async Task A_revoked_key_is_refused()
    {
        var keys = _app.Services.GetRequiredService<ApiKeyStore>();
        var (key, secret) = await keys.CreateAsync("short-lived", ApiKeyScopes.Agent, CancellationToken.None);
        using var client = _app.ClientWithKey(secret);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/v1/events", Events.Batch(Events.Started("C1")))).StatusCode);

        Assert.True(await keys.RevokeAsync(key.Id, CancellationToken.None));

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsJsonAsync("/api/v1/events", Events.Batch(Events.Line("C1", "l", "x")))).StatusCode);
    }

    [Fact]
    public async Task Keys_are_stored_hashed()
    {
        var secret = _app.CreateKey(ApiKeyScopes.Agent, "hash-check");
        var bytes = await File.ReadAllBytesAsync(Path.Combine(_app.DataDirectory, "switchboard.db"));
        Assert.DoesNotContain(secret, Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Concurrent_writers_to_one_call_get_one_gap_free_order_that_keeps_each_writers_order()
    {
        const int writers = 6, batches = 25, perBatch = 8;
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            for (var b = 0; b < batches; b++)
            {
                var events = Enumerable.Range(0, perBatch).Select(i => Events.Line("C1", $"w{w}-{b:D3}-{i}", $"writer {w}")).ToArray();
                await Events.PostAsync(_agent, events);
            }
        })));

        var stored = await Events.ReadAllAsync(_viewer, "C1");
        Assert.Equal(Enumerable.Range(1, writers * batches * perBatch).Select(i => (long)i), stored.Select(e => e.Seq));
        Assert.Equal(stored.Count, stored.Select(e => e.Id).Distinct().Count());
        for (var w = 0; w < writers; w++)
        {
            var mine = stored.Where(e => e.Id.StartsWith($"w{w}-", StringComparison.Ordinal)).Select(e => e.Id).ToList();
            Assert.Equal(mine.Order(StringComparer.Ordinal), mine);
        }
    }

    [Fact]
    public async Task The_active_list_and_call_state_reflect_acknowledged_events_at_once()
    {
        await Events.PostAsync(_agent, Events.Started("C1"), Events.Line("C1", "l1", "I need to reschedule"));
        await Events.PostAsync(_agent, Events.Started("C2"), Events.Ended("C2"));

        var list = await _viewer.GetFromJsonAsync<JsonElement>("/api/v1/calls");
        var calls = list.GetProperty("calls").EnumerateArray().ToList();
        var only = Assert.Single(calls);
        Assert.Equal("C1", only.GetProperty("callId").GetString());
        Assert.Equal("I need to reschedule", only.GetProperty("lastLine").GetProperty("text").GetString());

        var ended = await _viewer.GetFromJsonAsync<JsonElement>("/api/v1/calls/C2");
        Assert.Equal("ended", ended.GetProperty("status").GetString());
        Assert.Equal("completed", ended.GetProperty("endReason").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await _viewer.GetAsync("/api/v1/calls/NOPE")).StatusCode);

        var stored = await _viewer.GetFromJsonAsync<JsonElement>("/api/v1/calls?status=ended");
        Assert.Equal("C2", stored.GetProperty("stored").EnumerateArray().Single().GetProperty("callId").GetString());
    }

    [Fact]
    public async Task A_call_ends_once_a_second_end_is_acknowledged_as_a_duplicate_of_the_first()
    {
        await Events.PostAsync(_agent, Events.Started("C1"), Events.Ended("C1", "end-a", "caller_hangup"));
        var again = await Events.PostAsync(_agent, Events.Ended("C1", "end-b", "agent_error"));

        Assert.Equal(2, again.Results[0].Seq);
        Assert.True(again.Results[0].Duplicate);
        var stored = await Events.ReadAllAsync(_viewer, "C1");
        Assert.Single(stored, e => e.Type == EventTypes.CallEnded);
        var state = await _viewer.GetFromJsonAsync<JsonElement>("/api/v1/calls/C1");
        Assert.Equal("caller_hangup", state.GetProperty("endReason").GetString());
    }

    [Fact]
    public async Task Late_events_do_not_revive_an_ended_call()
    {
        await Events.PostAsync(_agent, Events.Started("C1"), Events.Ended("C1"));
        await Events.PostAsync(_agent, Events.Line("C1", "late", "are you there?"));

        var list = await _viewer.GetFromJsonAsync<JsonElement>("/api/v1/calls");
        Assert.Empty(list.GetProperty("calls").EnumerateArray());
        Assert.Equal(3, (await Events.ReadAllAsync(_viewer, "C1")).Count);
    }

    [Fact]
    public async Task Health_and_readiness_answer_without_a_key()
    {
        using var anonymous = _app.ClientWithKey(null);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/healthz")).StatusCode);
        var ready = await anonymous.GetFromJsonAsync<JsonElement>("/readyz");
        Assert.True(ready.GetProperty("storeWritable").GetBoolean());
    }

    [Fact]
    public async Task Metrics_need_a_read_key_and_carry_the_pipeline_and_runtime_figures()
    {
        using var anonymous = _app.ClientWithKey(null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/metrics")).StatusCode);
        await Events.PostAsync(_agent, Events.Started("M1"), Events.Line("M1", "m1", "hello"));
        // ASP.NET Core records a request's duration just after its response has gone, so the
        // scrape is repeated (for at most 10 s) until the POST above is in it.
        static bool HasIngestRoute(IReadOnlyDictionary<string, double> f) =>
            f.Keys.Any(k => k.StartsWith("http_server_request_duration_seconds_count{", StringComparison.Ordinal) && k.Contains("http_route=\"/api/v1/events\"", StringComparison.Ordinal));
        var deadline = System.Diagnostics.Stopwatch.StartNew();
        var text = await _viewer.GetStringAsync("/metrics");
        var figures = Switchboard.Testing.PrometheusText.Parse(text);
        while (!HasIngestRoute(figures) && deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(100);
            text = await _viewer.GetStringAsync("/metrics");
            figures = Switchboard.Testing.PrometheusText.Parse(text);
        }

        Assert.True(figures["switchboard_events_committed_total"] >= 2);
        Assert.True(figures.GetValueOrDefault("switchboard_calls_started_total") >= 1, text);
        Assert.True(figures["dotnet_gc_heap_total_allocated_bytes_total"] > 0);
        Assert.Contains("dotnet_gc_pause_time_seconds_total", figures.Keys);
        Assert.Contains("switchboard_log_notifications_total", figures.Keys);
        // ASP.NET Core's own instrumentation: the requests above, by route and status.
        Assert.True(HasIngestRoute(figures), text);
    }

    [Fact]
    public async Task Two_hosts_in_one_process_each_report_their_own_figures()
    {
        // Meters are matched by name across a process; without scoping to the host's own meter
        // factory, the host started last answered both hosts' scrapes with its own counts.
        using var other = new SwitchboardApp();
        using var otherAgent = other.ClientWithKey(other.CreateKey(ApiKeyScopes.Agent));
        using var otherViewer = other.ClientWithKey(other.CreateKey(ApiKeyScopes.Viewer));
        await Events.PostAsync(otherAgent, Events.Started("O1"));
        for (var i = 0; i < 4; i++)
        {
            await Events.PostAsync(_agent, Events.Started("H" + i), Events.Line("H" + i, "h1", "hello"));
        }

        var mine = Switchboard.Testing.PrometheusText.Parse(await _viewer.GetStringAsync("/metrics"));
        var theirs = Switchboard.Testing.PrometheusText.Parse(await otherViewer.GetStringAsync("/metrics"));
        // At least the 8 posted here (the analyzer may derive more from the lines); the other host
        // committed its one event and nothing else.
        Assert.True(mine["switchboard_events_committed_total"] >= 8, $"this host reports {mine["switchboard_events_committed_total"]} committed");
        Assert.Equal(1, theirs["switchboard_events_committed_total"]);
    }

    [Fact]
    public async Task Metrics_can_be_opened_to_anonymous_scrapers_by_setting()
    {
        using var open = new SwitchboardApp();
        open.Settings["Operations:AnonymousMetrics"] = "true";
        using var anonymous = open.ClientWithKey(null);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/metrics")).StatusCode);
    }
}
