using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Switchboard.Contracts.Events;
using Switchboard.Server.Archive;
using Switchboard.Server.Tests.Infrastructure;

namespace Switchboard.Server.Tests.Integration;

/// <summary>
/// The archive as a user meets it, on a real server process: a fixture call sent through the
/// ingest API is summarised when it ends, summarised again when a late event arrives, and a
/// rebuild from the log gives the same summary — on SQLite and on PostgreSQL.
/// </summary>
public abstract class ArchiveTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "switchboard-tests", Guid.NewGuid().ToString("N"));

    public void Dispose() => ServerProcess.DeleteDataDirectory(_root);

    /// <summary>The store's settings.</summary>
    protected abstract IReadOnlyList<string> StoreArguments();

    [Fact]
    public async Task An_ended_call_is_summarised_from_its_own_times_again_after_a_late_event_and_the_same_after_a_rebuild()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var (server, people) = await StartAsync(insights: true, [], cts.Token);
        using var running = server;
        using var signedIn = people;

        Assert.Equal(HttpStatusCode.NotFound, (await people.Viewer.GetAsync("/api/v1/calls/archived/summary", cts.Token)).StatusCode);
        await Events.PostAsync(people.Agent, ArchiveFixture.AgentEvents("archived"));

        // The server scores the customer's lines (its own events, folded in too).
        var summary = await SummaryAsync(people.Viewer, s => s?.Sentiment is not null && s.Scorecard is not null, cts.Token);
        // A viewer sees the caller's number masked, as everywhere else.
        ArchiveFixture.AssertAgentFigures(summary, callerNumber: "[phone]");
        Assert.True(summary.LastSeq > 13);

        // A late event after the end folds in: one more tool call, the rest as it was.
        await Events.PostAsync(people.Agent, Events.Make("archived", "late", EventTypes.ToolCalled, new { toolCallId = "tc9", name = "send_survey" }, 70));
        var late = await SummaryAsync(people.Viewer, s => s?.ToolCalls == 2, cts.Token);
        Assert.True(late.LastSeq > summary.LastSeq);
        ArchiveFixture.AssertAgentFigures(late with { ToolCalls = 1 }, callerNumber: "[phone]");

        var before = await people.Viewer.GetStringAsync("/api/v1/calls/archived/summary", cts.Token);
        using var rebuilt = await Fuzz.FuzzClients.SendAsync(people.Admin, people.AdminToken, HttpMethod.Post, "/api/v1/admin/archive/rebuild", new { }, cts.Token);
        Assert.True(rebuilt.IsSuccessStatusCode, await rebuilt.Content.ReadAsStringAsync(cts.Token));
        Assert.Equal(1, (await rebuilt.Content.ReadFromJsonAsync<JsonElement>(cts.Token)).GetProperty("calls").GetInt32());
        Assert.Equal(before, await people.Viewer.GetStringAsync("/api/v1/calls/archived/summary", cts.Token));

        // Scored once against the default scorecard: the result is an event in the call's log and in
        // the summary; the fixture's dead air and latency flag it for review. A rebuild scores nothing twice.
        var scored = await SummaryAsync(people.Viewer, s => s?.Scorecard is not null, cts.Token);
        // The score waits for the customer's lines to be scored: the ending-sentiment criterion
        // (passed) counts with the rest, every time, instead of whenever the analyzer was first.
        Assert.Equal((40.0, true, "default"), (scored.Score, scored.Flagged, scored.Scorecard!.Scorecard));
        Assert.Contains(scored.Scorecard.Criteria!, r => r.Id == "ending-sentiment" && r.Passed);
        Assert.Single(await Events.ReadAllAsync(people.Viewer, "archived"), e => e.Type == EventTypes.ScorecardCompleted);
        var flagged = await people.Viewer.GetFromJsonAsync<JsonElement>("/api/v1/calls?status=ended&flagged=true&scoreBelow=50", cts.Token);
        Assert.Equal("archived", Assert.Single(flagged.GetProperty("past").EnumerateArray()).GetProperty("callId").GetString());

        // Only admins rebuild.
        using var refused = await Fuzz.FuzzClients.SendAsync(people.Supervisor, people.SupervisorToken, HttpMethod.Post, "/api/v1/admin/archive/rebuild", new { }, cts.Token);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    [Fact]
    public async Task A_criterion_judged_by_the_configured_model_is_scored_once_whatever_archives_the_call_again()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await using var model = await ChatCompletionsDouble.StartAsync();
        model.Content = """{"passed": true, "score": 0.9, "reason": "The agent took up the refund at once."}""";
        var (server, people) = await StartAsync(insights: false, new Dictionary<string, string>
        {
            ["Scorecards:Judge:Enabled"] = "true",
            ["Scorecards:Judge:BaseUrl"] = model.BaseUrl,
            ["Scorecards:Judge:Model"] = "judge-double",
            ["Scorecards:Judge:TimeoutMilliseconds"] = "20000",
            ["Scorecards:Judges:refund:Rubric"] = "The agent deals with the refund the customer asks for.",
            ["Scorecards:Judges:refund:Weight"] = "4",
        }, cts.Token);
        using var running = server;
        using var signedIn = people;

        await Events.PostAsync(people.Agent, ArchiveFixture.AgentEvents("archived"));
        var scored = await SummaryAsync(people.Viewer, s => s?.Scorecard is not null, cts.Token);

        // The greeting's 1 and the judged 4 passed of 8; below 70, so flagged.
        Assert.Equal((62.5, true), (scored.Score, scored.Flagged));
        Assert.Equal(new CriterionResult("refund", true, "The agent took up the refund at once. (score 0.9)", 4, false), scored.Scorecard!.Criteria![^1]);
        var request = Assert.Single(model.Requests).RootElement;
        Assert.Equal("judge-double", request.GetProperty("model").GetString());
        Assert.Contains("customer: I would like a refund for my order", request.GetProperty("messages")[1].GetProperty("content").GetString(), StringComparison.Ordinal);

        // A late event and a rebuild archive the call again: the judgment is read from the log, not asked for again.
        await Events.PostAsync(people.Agent, Events.Make("archived", "late", EventTypes.ToolCalled, new { toolCallId = "tc9", name = "send_survey" }, 70));
        await SummaryAsync(people.Viewer, s => s?.ToolCalls == 2, cts.Token);
        using var rebuilt = await Fuzz.FuzzClients.SendAsync(people.Admin, people.AdminToken, HttpMethod.Post, "/api/v1/admin/archive/rebuild", new { }, cts.Token);
        Assert.True(rebuilt.IsSuccessStatusCode, await rebuilt.Content.ReadAsStringAsync(cts.Token));
        Assert.Single(model.Requests);
        Assert.Single(await Events.ReadAllAsync(people.Viewer, "archived"), e => e.Type == EventTypes.ScorecardCompleted);
        Assert.Equal(62.5, (await SummaryAsync(people.Viewer, s => s is not null, cts.Token)).Score);
    }

    [Fact]
    public async Task Past_calls_are_found_by_filters_and_transcript_words_paged_and_exported_as_csv()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var (server, people) = await StartAsync(insights: false, [], cts.Token);
        using var running = server;
        using var signedIn = people;
        var (agent, viewer) = (people.Agent, people.Viewer);
        await Events.PostAsync(agent, ArchiveFixture.AgentEvents("archived"));
        await Events.PostAsync(agent, Events.Make("plain", "start", EventTypes.CallStarted, new { agentName = "sales" }, 100), Events.Line("plain", "l1", "Where is my parcel?"), Events.Ended("plain"));
        await SummaryAsync(viewer, s => s is not null, cts.Token, "archived");
        await SummaryAsync(viewer, s => s is not null, cts.Token, "plain");

        async Task<string[]> FoundAsync(string query)
        {
            var list = await viewer.GetFromJsonAsync<JsonElement>("/api/v1/calls?status=ended&" + query, cts.Token);
            return [.. list.GetProperty("past").EnumerateArray().Select(c => c.GetProperty("callId").GetString()!)];
        }

        Assert.Equal(["plain", "archived"], await FoundAsync("from=" + Uri.EscapeDataString(Events.T0.ToString("O"))));
        Assert.Equal(["archived"], await FoundAsync("q=refunds"));
        // A search says where each call matched: the line, who said it, and the word (stemmed) marked.
        var hits = (await viewer.GetFromJsonAsync<JsonElement>("/api/v1/calls?status=ended&q=refunds", cts.Token)).GetProperty("hits");
        var hit = Assert.Single(hits.GetProperty("archived").EnumerateArray());
        Assert.Equal(("customer", "I would like a refund for my order"), (hit.GetProperty("speaker").GetString(), hit.GetProperty("text").GetString()));
        var mark = Assert.Single(hit.GetProperty("marks").EnumerateArray());
        Assert.Equal((15, 6), (mark.GetProperty("start").GetInt32(), mark.GetProperty("length").GetInt32()));
        Assert.Equal(Events.T0.AddSeconds(4), hit.GetProperty("at").GetDateTimeOffset());
        Assert.Equal(["plain"], await FoundAsync("q=parcel&agent=sales"));
        Assert.Equal(["archived"], await FoundAsync("persona=billing&contained=false"));
        Assert.Equal(["plain"], await FoundAsync("endReason=completed"));
        Assert.Empty(await FoundAsync("q=refunds&agent=sales"));
        // Every rate of analytics opens the calls it counts.
        Assert.Equal(["archived"], await FoundAsync("transferred=true&toolErrors=true&completed=false"));
        Assert.Equal(["plain"], await FoundAsync("completed=true&transferred=false&toolErrors=false"));
        Assert.Empty(await FoundAsync("escalated=true"));
        Assert.Equal(["plain", "archived"], await FoundAsync("intervened=false&escalated=false"));

        // Paged newest first; the next link carries the filters.
        var first = await viewer.GetFromJsonAsync<JsonElement>("/api/v1/calls?status=ended&limit=1&from=" + Uri.EscapeDataString(Events.T0.ToString("O")), cts.Token);
        Assert.Equal("plain", first.GetProperty("past")[0].GetProperty("callId").GetString());
        var second = await viewer.GetFromJsonAsync<JsonElement>(first.GetProperty("next").GetString()!, cts.Token);
        Assert.Equal("archived", second.GetProperty("past")[0].GetProperty("callId").GetString());

        // The same query as CSV: one row per call, the caller's number masked for a viewer.
        using var csv = await viewer.GetAsync("/api/v1/calls?status=ended&format=csv&q=refund", cts.Token);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var rows = (await csv.Content.ReadAsStringAsync(cts.Token)).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, rows.Length);
        Assert.StartsWith("callId,agent,personas,", rows[0], StringComparison.Ordinal);
        var row = rows[1].Split(',');
        var column = rows[0].Split(',').Select((name, i) => (name, i)).ToDictionary(c => c.name, c => c.i);
        Assert.Equal(("archived", "greeter;billing", "[phone]", "60", "0.6899", "false"), (row[column["callId"]], row[column["personas"]], row[column["callerNumber"]], row[column["handleSeconds"]], row[column["cost"]], row[column["contained"]]));

        // A supervisor sets the disposition and tags after the call: audited, folded in, and searchable by tag.
        using (var set = await Fuzz.FuzzClients.SendAsync(people.Supervisor, people.SupervisorToken, HttpMethod.Post, "/api/v1/calls/plain/disposition", new { disposition = "resolved", tags = new[] { "Parcel", "vip" }, note = "Caller +15550199 wants a call back", requestId = "d-1" }, cts.Token))
        {
            Assert.True(set.IsSuccessStatusCode, await set.Content.ReadAsStringAsync(cts.Token));
        }

        using (var again = await Fuzz.FuzzClients.SendAsync(people.Supervisor, people.SupervisorToken, HttpMethod.Post, "/api/v1/calls/plain/disposition", new { disposition = "resolved", tags = new[] { "Parcel", "vip" }, note = "Caller +15550199 wants a call back", requestId = "d-1" }, cts.Token))
        {
            Assert.True((await again.Content.ReadFromJsonAsync<JsonElement>(cts.Token)).GetProperty("duplicate").GetBoolean());
        }

        var disposed = await SummaryAsync(viewer, s => s?.Disposition == "resolved", cts.Token, "plain");
        Assert.Equal(["parcel", "vip"], disposed.Tags);
        Assert.Equal("sup", Assert.Single(disposed.Notes).By);
        Assert.DoesNotContain("+15550199", Assert.Single(disposed.Notes).Text, StringComparison.Ordinal);
        Assert.Equal(["plain"], await FoundAsync("tag=vip"));
        var audit = await people.Admin.GetFromJsonAsync<JsonElement>("/api/v1/admin/audit?action=call.disposition", cts.Token);
        // Both requests are audited; the retry as the duplicate it was.
        Assert.Equal([true, false], audit.EnumerateArray().Select(e => e.GetProperty("detail").GetProperty("duplicate").GetBoolean()));
        Assert.All(audit.EnumerateArray(), e => Assert.Equal("sup", e.GetProperty("actor").GetString()));
        using (var viewerRefused = await viewer.PostAsJsonAsync("/api/v1/calls/plain/disposition", new { disposition = "x" }, cts.Token))
        {
            Assert.Equal(HttpStatusCode.Forbidden, viewerRefused.StatusCode);
        }

        using (var empty = await Fuzz.FuzzClients.SendAsync(people.Supervisor, people.SupervisorToken, HttpMethod.Post, "/api/v1/calls/plain/disposition", new { tags = new[] { "" } }, cts.Token))
        {
            Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
            Assert.Contains("tags[0]", await empty.Content.ReadAsStringAsync(cts.Token), StringComparison.Ordinal);
        }

        // A null among the tags is a field to fix, not a server failure.
        using (var nullTag = await Fuzz.FuzzClients.SendAsync(people.Supervisor, people.SupervisorToken, HttpMethod.Post, "/api/v1/calls/plain/disposition", new { tags = new[] { "vip", null } }, cts.Token))
        {
            Assert.Equal(HttpStatusCode.BadRequest, nullTag.StatusCode);
            Assert.Contains("tags[1]", await nullTag.Content.ReadAsStringAsync(cts.Token), StringComparison.Ordinal);
        }

        using (var missing = await Fuzz.FuzzClients.SendAsync(people.Supervisor, people.SupervisorToken, HttpMethod.Post, "/api/v1/calls/no-such-call/disposition", new { disposition = "resolved" }, cts.Token))
        {
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }

        // Bad queries are told what to fix.
        foreach (var bad in new[] { "/api/v1/calls?q=refund", "/api/v1/calls?status=ended&format=xml", "/api/v1/calls?status=ended&from=yesterday", "/api/v1/calls?status=ended&sentimentBelow=3" })
        {
            using var response = await viewer.GetAsync(bad, cts.Token);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task A_flagged_call_waits_for_review_until_a_supervisor_confirms_it_or_overrides_its_score_with_a_note()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var (server, people) = await StartAsync(insights: false, [], cts.Token);
        using var running = server;
        using var signedIn = people;
        // The fixture scores 25 (dead air, latency); "plain" 50 (no greeting): both below 70, both flagged.
        await Events.PostAsync(people.Agent, ArchiveFixture.AgentEvents("archived"));
        await Events.PostAsync(people.Agent, Events.Make("plain", "start", EventTypes.CallStarted, new { agentName = "sales" }, 100), Events.Line("plain", "l1", "Where is my parcel?"), Events.Ended("plain"));
        Assert.Equal(25, (await SummaryAsync(people.Viewer, s => s?.Scorecard is not null, cts.Token)).Score);
        Assert.Equal(50, (await SummaryAsync(people.Viewer, s => s?.Scorecard is not null, cts.Token, "plain")).Score);

        async Task<string[]> QueueAsync(string review)
        {
            var list = await people.Viewer.GetFromJsonAsync<JsonElement>("/api/v1/calls?status=ended&review=" + review, cts.Token);
            return [.. list.GetProperty("past").EnumerateArray().Select(c => c.GetProperty("callId").GetString()!)];
        }

        async Task<HttpResponseMessage> ReviewAsync(string callId, object body) =>
            await Fuzz.FuzzClients.SendAsync(people.Supervisor, people.SupervisorToken, HttpMethod.Post, $"/api/v1/calls/{callId}/review", body, cts.Token);

        Assert.Equal(["plain", "archived"], await QueueAsync("pending"));
        Assert.Empty(await QueueAsync("done"));

        // What is wrong is said, field by field; nothing is stored.
        foreach (var (body, field) in new (object, string)[]
        {
            (new { verdict = "maybe" }, "'verdict'"),
            (new { verdict = "overridden", note = "why" }, "'score'"),
            (new { verdict = "overridden", score = 90 }, "'note'"),
            (new { verdict = "overridden", score = 120, note = "why" }, "'score'"),
        })
        {
            using var refused = await ReviewAsync("archived", body);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains(field, await refused.Content.ReadAsStringAsync(cts.Token), StringComparison.Ordinal);
        }

        using (var missing = await ReviewAsync("no-such-call", new { verdict = "confirmed" }))
        {
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }

        using (var viewerRefused = await people.Viewer.PostAsJsonAsync("/api/v1/calls/archived/review", new { verdict = "confirmed" }, cts.Token))
        {
            Assert.Equal(HttpStatusCode.Forbidden, viewerRefused.StatusCode);
        }

        using (var confirmed = await ReviewAsync("plain", new { verdict = "confirmed", requestId = "r-1" }))
        {
            Assert.True(confirmed.IsSuccessStatusCode, await confirmed.Content.ReadAsStringAsync(cts.Token));
        }

        using (var overridden = await ReviewAsync("archived", new { verdict = "overridden", score = 90, note = "The silence was the caller looking for the order number" }))
        {
            Assert.True(overridden.IsSuccessStatusCode, await overridden.Content.ReadAsStringAsync(cts.Token));
        }

        // The review is in the summary: an override replaces the score, the scorecard's result stays beside it.
        var plain = await SummaryAsync(people.Viewer, s => s?.Review is not null, cts.Token, "plain");
        Assert.Equal(("confirmed", 50.0, true), (plain.Review!.Verdict, plain.Score, plain.Flagged));
        var archived = await SummaryAsync(people.Viewer, s => s?.Review is not null, cts.Token);
        Assert.Equal(("overridden", "sup", 90.0, 25.0), (archived.Review!.Verdict, archived.Review.By, archived.Score, archived.Scorecard!.Score));
        Assert.Equal("The silence was the caller looking for the order number", archived.Review.Note);
        Assert.Empty(await QueueAsync("pending"));
        Assert.Equal(["plain", "archived"], await QueueAsync("done"));
        var flagged = await people.Viewer.GetFromJsonAsync<JsonElement>("/api/v1/calls?status=ended&flagged=true", cts.Token);
        Assert.Equal(2, flagged.GetProperty("past").GetArrayLength());

        // Each verdict is audited with the score it replaced.
        var audit = await people.Admin.GetFromJsonAsync<JsonElement>("/api/v1/admin/audit?action=call.review", cts.Token);
        Assert.Equal(
            [("archived", "overridden", 25.0), ("plain", "confirmed", 50.0)],
            audit.EnumerateArray().Select(e => (e.GetProperty("callId").GetString(), e.GetProperty("detail").GetProperty("verdict").GetString(), e.GetProperty("detail").GetProperty("previous").GetDouble())));

        // A rebuild from the log gives the same reviewed summaries.
        using var rebuilt = await Fuzz.FuzzClients.SendAsync(people.Admin, people.AdminToken, HttpMethod.Post, "/api/v1/admin/archive/rebuild", new { }, cts.Token);
        Assert.True(rebuilt.IsSuccessStatusCode);
        Assert.Equal(90, (await SummaryAsync(people.Viewer, s => s is not null, cts.Token)).Score);
        Assert.Empty(await QueueAsync("pending"));

        using var badFilter = await people.Viewer.GetAsync("/api/v1/calls?status=ended&review=later", cts.Token);
        Assert.Equal(HttpStatusCode.BadRequest, badFilter.StatusCode);
    }

    [Fact]
    public async Task Analytics_add_up_the_ended_calls_per_day_agent_persona_and_hour_and_a_late_event_counts_nothing_twice()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var (server, people) = await StartAsync(insights: false, [], cts.Token);
        using var running = server;
        using var signedIn = people;
        await Events.PostAsync(people.Agent, ArchiveFixture.AgentEvents("archived"));
        await Events.PostAsync(
            people.Agent,
            Events.Make("next-hour", "start", EventTypes.CallStarted, new { agentName = "sales" }, 3600),
            Events.Make("next-hour", "end", EventTypes.CallEnded, new { reason = "completed" }, 3630));
        await Events.PostAsync(
            people.Agent,
            Events.Make("next-day", "start", EventTypes.CallStarted, new { agentName = "sales" }, 86400),
            Events.Make("next-day", "end", EventTypes.CallEnded, new { reason = "agent_error" }, 86410));
        foreach (var call in new[] { "archived", "next-hour", "next-day" })
        {
            await SummaryAsync(people.Viewer, s => s is not null, cts.Token, call);
        }

        var range = $"from={Uri.EscapeDataString(Events.T0.ToString("O"))}&to={Uri.EscapeDataString(Events.T0.AddDays(2).ToString("O"))}";
        async Task<JsonElement> AnalyticsAsync(string groupBy) =>
            await people.Supervisor.GetFromJsonAsync<JsonElement>($"/api/v1/analytics/summary?{range}&groupBy={groupBy}", cts.Token);
        static string[] Keys(JsonElement a) => [.. a.GetProperty("groups").EnumerateArray().Select(g => $"{g.GetProperty("key").GetString()}:{g.GetProperty("figures").GetProperty("calls").GetInt64()}")];

        var byDay = await AnalyticsAsync("day");
        var total = byDay.GetProperty("total");
        Assert.Equal(3, total.GetProperty("calls").GetInt64());
        Assert.Equal(33.333, total.GetProperty("averageHandleSeconds").GetDouble());
        Assert.Equal(3.667, total.GetProperty("averageTalkSeconds").GetDouble());
        Assert.Equal((0.3333, 0.6667, 0.3333, 0.0, 0.0), (total.GetProperty("completionRate").GetDouble(), total.GetProperty("containmentRate").GetDouble(), total.GetProperty("transferRate").GetDouble(), total.GetProperty("escalationRate").GetDouble(), total.GetProperty("interventionRate").GetDouble()));
        Assert.Equal((0.3333, 0.3333), (total.GetProperty("errorRate").GetProperty("tool").GetDouble(), total.GetProperty("errorRate").GetProperty("agent").GetDouble()));
        Assert.Equal((0.6899, 0.229967), (total.GetProperty("cost").GetDouble(), total.GetProperty("costPerCall").GetDouble()));
        Assert.Equal(3, total.GetProperty("sentiment").GetProperty("unscored").GetInt64());
        var e2e = total.GetProperty("latency").GetProperty("endToEnd");
        Assert.InRange(e2e.GetProperty("p50").GetDouble(), 1800, 1800 * 1.08);
        Assert.InRange(e2e.GetProperty("p99").GetDouble(), 2100, 2100 * 1.08);
        Assert.Equal(["2026-11-21:2", "2026-11-22:1"], Keys(byDay));
        Assert.Equal(["greeter:1", "sales:2"], Keys(await AnalyticsAsync("agent")));
        Assert.Equal(["billing:1", "sales:2"], Keys(await AnalyticsAsync("persona")));
        Assert.Equal(["2026-11-21T10:00:00Z:1", "2026-11-21T11:00:00Z:1", "2026-11-22T10:00:00Z:1"], Keys(await AnalyticsAsync("hour")));

        // A late event folds the call again: taken out of its rollup and put back, counted once.
        await Events.PostAsync(people.Agent, Events.Make("archived", "late", EventTypes.ToolCalled, new { toolCallId = "tc9", name = "send_survey" }, 70));
        await SummaryAsync(people.Viewer, s => s?.ToolCalls == 2, cts.Token);
        Assert.Equal(total.GetRawText(), (await AnalyticsAsync("day")).GetProperty("total").GetRawText());

        // Viewers (wallboards) do not read analytics; a bad range is told what to fix.
        Assert.Equal(HttpStatusCode.Forbidden, (await people.Viewer.GetAsync($"/api/v1/analytics/summary?{range}", cts.Token)).StatusCode);
        using var bad = await people.Supervisor.GetAsync("/api/v1/analytics/summary?from=2026-11-22T00:00:00Z&to=2026-11-21T00:00:00Z", cts.Token);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("'to' after 'from'", await bad.Content.ReadAsStringAsync(cts.Token), StringComparison.Ordinal);
    }

    /// <summary>A server of this store with the fixture's price table (and these settings), its first admin signed in, a supervisor, an agent key and a viewer key.</summary>
    private async Task<(ServerProcess Server, Fuzz.FuzzClients People)> StartAsync(bool insights, IEnumerable<KeyValuePair<string, string>> more, CancellationToken cancellationToken)
    {
        var settings = ServerSettings.Tests with
        {
            Arguments =
            [
                .. StoreArguments(),
                .. ArchiveFixture.Settings.Concat(more).Select(p => $"--{p.Key}={p.Value}"),
                $"--Insights:Enabled={insights}",
                "--Scorecards:Enabled=true",
            ],
        };
        var agentKey = await ServerProcess.CreateKeyAsync(_root, settings, "agent", "agent", cancellationToken);
        var viewerKey = await ServerProcess.CreateKeyAsync(_root, settings, "viewer", "viewer", cancellationToken);
        var server = await ServerProcess.StartAsync(_root, settings, cancellationToken);
        try
        {
            var adminPassword = await server.WaitForOutputAsync(new System.Text.RegularExpressions.Regex("password '([^']+)'"), cancellationToken);
            return (server, await Fuzz.FuzzClients.CreateAsync(server.BaseAddress, agentKey, viewerKey, adminPassword, cancellationToken));
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    private static async Task<CallSummary> SummaryAsync(HttpClient viewer, Func<CallSummary?, bool> done, CancellationToken cancellationToken, string callId = "archived")
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            using var response = await viewer.GetAsync($"/api/v1/calls/{callId}/summary", cancellationToken);
            var summary = response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<CallSummary>(ContractJson.Options, cancellationToken) : null;
            if (done(summary))
            {
                return summary!;
            }

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "timed out waiting for the call's summary");
            await Task.Delay(50, cancellationToken);
        }
    }
}

public sealed class SqliteArchiveTests : ArchiveTests
{
    protected override IReadOnlyList<string> StoreArguments() => [];
}

public sealed class PostgresArchiveTests : ArchiveTests
{
    private readonly string _database = PostgresServer.Shared.CreateDatabase();

    protected override IReadOnlyList<string> StoreArguments() => ["--Storage:Provider=postgres", "--Storage:ConnectionString=" + _database];
}
