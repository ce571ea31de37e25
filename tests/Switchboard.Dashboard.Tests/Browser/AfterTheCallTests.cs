using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Switchboard.Dashboard.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Switchboard.Dashboard.Tests.Browser;

/// <summary>
/// The views after the call, in Chromium, on calls sent through the ingest API with their own
/// times (days in the past, so each test's calls have days of their own): analytics, past-call
/// search, replay scrubbed to a point, and the review queue.
/// </summary>
[Collection(ScoringDashboardCollection.Name)]
public sealed class AfterTheCallTests(ScoringDashboardServer app)
{
    private static readonly DateTimeOffset Today = new(DateTimeOffset.UtcNow.Date, TimeSpan.Zero);

    [Fact(Timeout = 180_000)]
    public async Task Analytics_ShowsTheRangesFiguresPerDay_AndEachDayOpensTheCallsBehindIt()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(170));
        var run = Run();
        // Three days: two calls of Ava (one transferred), one of Ben with an escalation, three of Ava.
        var day1 = Today.AddDays(-10).AddHours(12);
        var day2 = day1.AddDays(1);
        var day3 = day1.AddDays(2);
        string[] calls = [.. Enumerable.Range(0, 6).Select(i => $"{run}-a{i}")];
        using var agent = app.NewAgent();
        await agent.PostAsync(cts.Token, Call(calls[0], day1, "Ava", 120, "completed", Turn(0)));
        await agent.PostAsync(cts.Token, Call(calls[1], day1.AddMinutes(30), "Ava", 300, "transferred", Turn(1), (200, "transfer.completed", new { destination = "billing desk", mode = "cold" })));
        await agent.PostAsync(cts.Token, Call(
            calls[2],
            day2,
            "Ben",
            240,
            "completed",
            Turn(2),
            (30, "escalation.requested", new { requestId = "r1", question = "Can I refund after 30 days?" })));
        for (var i = 3; i < 6; i++)
        {
            await agent.PostAsync(cts.Token, Call(calls[i], day3.AddMinutes(i), "Ava", 60, "completed", Turn(i)));
        }

        await WaitForSummariesAsync(calls, cts.Token);

        var page = await app.SignedInPageAsync();
        try
        {
            await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Analytics" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Analytics" })).ToBeVisibleAsync();
            var range = page.GetByRole(AriaRole.Form, new() { Name = "Range" });
            await range.GetByLabel("From").FillAsync(Day(day1));
            await range.GetByLabel("To").FillAsync(Day(day3));
            await range.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
            await Expect(page.Locator("section.analytics[data-loaded]")).ToHaveAttributeAsync("data-loaded", $"{Day(day1)}|{Day(day3)}|day");

            await Expect(Tile(page, "Calls")).ToContainTextAsync("6");
            // Completed: 5 of 6; contained: the 5 not transferred; escalated 1 of 6; average handle (120 + 300 + 240 + 3 × 60) / 6 = 140 s.
            await Expect(Tile(page, "Completion")).ToContainTextAsync("83.3 %");
            await Expect(Tile(page, "Containment")).ToContainTextAsync("83.3 %");
            await Expect(Tile(page, "Transfers")).ToContainTextAsync("16.7 %");
            await Expect(Tile(page, "Escalations")).ToContainTextAsync("16.7 %");
            await Expect(Tile(page, "Average handle")).ToContainTextAsync("2:20");
            var rows = page.Locator("table.groups tbody tr");
            await Expect(rows).ToHaveCountAsync(3);
            Assert.Equal(
                [[Day(day1), "2"], [Day(day2), "1"], [Day(day3), "3"]],
                await rows.EvaluateAllAsync<string[][]>("trs => trs.map(tr => [tr.cells[0].innerText, tr.cells[1].innerText])"));
            await Expect(page.Locator(".chart canvas")).ToHaveCountAsync(3);
            await Screenshots.SaveAsync(page, "analytics");

            // Per agent: Ava 5 calls, Ben 1.
            await page.GetByRole(AriaRole.Group, new() { Name = "Group by" }).GetByRole(AriaRole.Button, new() { Name = "agent" }).ClickAsync();
            await Expect(page.Locator("section.analytics")).ToHaveAttributeAsync("data-loaded", $"{Day(day1)}|{Day(day3)}|agent");
            Assert.Equal(
                [["Ava", "5"], ["Ben", "1"]],
                await rows.EvaluateAllAsync<string[][]>("trs => trs.map(tr => [tr.cells[0].innerText, tr.cells[1].innerText])"));

            // Drill down: Ava's calls are the five of hers.
            await rows.First.GetByRole(AriaRole.Link, new() { Name = "Ava" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Past calls" })).ToBeVisibleAsync();
            var past = page.Locator("table.past tbody tr[data-call]");
            await Expect(past).ToHaveCountAsync(5);
            Assert.Equal(
                [calls[5], calls[4], calls[3], calls[1], calls[0]],
                await past.EvaluateAllAsync<string[]>("trs => trs.map(tr => tr.dataset.call)"));

            // A rate opens exactly the calls it counts: the transferred one, the escalated one.
            foreach (var (figure, expected) in new[] { ("Transfers", calls[1]), ("Escalations", calls[2]) })
            {
                await page.GotoAsync($"/analytics?from={Day(day1)}&to={Day(day3)}&groupBy=day");
                await page.Locator($".tile[data-figure='{figure}']").ClickAsync();
                await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Past calls" })).ToBeVisibleAsync();
                await Expect(past).ToHaveCountAsync(1);
                Assert.Equal(expected, await past.First.GetAttributeAsync("data-call"));
            }
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Fact(Timeout = 180_000)]
    public async Task PastCalls_SearchFindsTheCallsThatSaidTheWords_MarksThem_AndExportsTheSameQuery()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(170));
        var run = Run();
        var day = Today.AddDays(-20).AddHours(12);
        using var agent = app.NewAgent();
        string refund = $"{run}-refund", late = $"{run}-late", other = $"{run}-other";
        await agent.PostAsync(cts.Token, Call(refund, day, "Ava", 90, "completed", (10, "transcript.final", new { speaker = "customer", segmentId = "c9", text = "I want my refunds processed today" })));
        await agent.PostAsync(cts.Token, Call(late, day.AddHours(1), "Ava", 90, "completed", (10, "transcript.final", new { speaker = "customer", segmentId = "c9", text = "Was the refund ever sent?" })));
        await agent.PostAsync(cts.Token, Call(other, day.AddHours(2), "Ava", 90, "completed", (10, "transcript.final", new { speaker = "customer", segmentId = "c9", text = "My parcel never arrived" })));
        await WaitForSummariesAsync([refund, late, other], cts.Token);

        var page = await app.SignedInPageAsync();
        try
        {
            await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Past calls" }).ClickAsync();
            var filters = page.GetByRole(AriaRole.Search, new() { Name = "Filter past calls" });
            await filters.GetByLabel("From", new() { Exact = true }).FillAsync(Day(day));
            await filters.GetByLabel("To", new() { Exact = true }).FillAsync(Day(day));
            await filters.GetByLabel("Transcript words").FillAsync("refund");
            await filters.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();

            var rows = page.Locator("table.past tbody tr[data-call]");
            await Expect(rows).ToHaveCountAsync(2);
            Assert.Equal([late, refund], await rows.EvaluateAllAsync<string[]>("trs => trs.map(tr => tr.dataset.call)"));
            // Each found call shows the line that matched, the searched word marked (stemmed: "refunds" too).
            var marks = page.Locator("tr.hits mark");
            await Expect(marks).ToHaveCountAsync(2);
            Assert.Equal(["refund", "refunds"], await marks.AllInnerTextsAsync());
            await Expect(page.Locator("tr.hits").First).ToContainTextAsync("Was the refund ever sent?");
            await Screenshots.SaveAsync(page, "past-calls-search");

            // The export is the same query as CSV.
            var href = await page.GetByRole(AriaRole.Link, new() { Name = "Export CSV" }).GetAttributeAsync("href");
            Assert.Contains("format=csv", href);
            Assert.Contains("q=refund", href);
            var csv = await page.EvaluateAsync<string>("url => fetch(url).then(r => r.text())", href);
            var ids = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(',')[0]).ToList();
            Assert.Equal([late, refund], ids);

            // A hit opens the replay at its line.
            await page.Locator("tr.hits a").First.ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"Replay · {late}" })).ToBeVisibleAsync();
            await Expect(page.GetByLabel("Position", new() { Exact = true })).ToHaveTextAsync("0:10 / 1:30");
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Fact(Timeout = 180_000)]
    public async Task Replay_ScrubbedToAPoint_ShowsExactlyTheTranscriptUpToIt_JumpsToMarks_AndPlays()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(170));
        var callId = $"{Run()}-replay";
        var start = Today.AddDays(-30).AddHours(12);
        using var agent = app.NewAgent();
        await agent.PostAsync(cts.Token, Call(
            callId,
            start,
            "Ava",
            120,
            "completed",
            (5, "agent.state", new { state = "speaking" }),
            (20, "transcript.final", new { speaker = "customer", segmentId = "c2", text = "The charge appeared twice on my card" }),
            (21, "metrics.turn", new { turnId = "t2", sttMs = 310, llmTtftMs = 720, ttsTtfbMs = 240, e2eMs = 1650 }),
            (30, "agent.state", new { state = "listening" }),
            (40, "escalation.requested", new { requestId = "r9", question = "Can we refund a double charge?" }),
            (50, "transcript.final", new { speaker = "agent", segmentId = "a3", text = "Please hold while I check" }),
            (70, "tool.result", new { toolCallId = "t1", name = "refund", ok = false, error = "declined", durationMs = 400 }),
            (90, "transcript.final", new { speaker = "customer", segmentId = "c4", text = "Thank you for sorting it" })));
        await WaitForSummariesAsync([callId], cts.Token);

        var page = await app.SignedInPageAsync();
        try
        {
            await page.GotoAsync($"/calls/{callId}/replay");
            await Expect(page.Locator("section.replay")).ToHaveAttributeAsync("data-complete", "true");
            await Expect(page.GetByLabel("Position", new() { Exact = true })).ToHaveTextAsync("0:00 / 2:00");
            var lines = page.Locator(".replay .transcript li[data-kind=line] .text");
            await Expect(lines).ToHaveCountAsync(0);

            // Scrubbed to 0:45: the lines said by then, not one more.
            await ScrubAsync(page, 45_000);
            await Expect(page.GetByLabel("Position", new() { Exact = true })).ToHaveTextAsync("0:45 / 2:00");
            await Expect(lines).ToHaveTextAsync(["Hello, thanks for calling", "The charge appeared twice on my card"]);
            await Expect(page.GetByText("Agent listening")).ToBeVisibleAsync();
            await Expect(page.Locator("table.turns tbody tr")).ToHaveCountAsync(1);
            await Expect(page.Locator("table.turns tbody tr")).ToContainTextAsync("1650");
            await Screenshots.SaveAsync(page, "replay");

            // The next mark is the failed tool at 1:10; the previous one the escalation at 0:40.
            await page.GetByRole(AriaRole.Button, new() { Name = "Next mark ▶" }).ClickAsync();
            await Expect(page.GetByLabel("Position", new() { Exact = true })).ToHaveTextAsync("1:10 / 2:00");
            await Expect(lines).ToHaveTextAsync(["Hello, thanks for calling", "The charge appeared twice on my card", "Please hold while I check"]);
            await page.GetByRole(AriaRole.Button, new() { Name = "◀ Previous mark" }).ClickAsync();
            await Expect(page.GetByLabel("Position", new() { Exact = true })).ToHaveTextAsync("0:40 / 2:00");
            await Expect(lines).ToHaveCountAsync(2);

            // Played at 4× the playhead moves on and the transcript grows with it, until the end.
            await page.GetByRole(AriaRole.Group, new() { Name = "Speed" }).GetByRole(AriaRole.Button, new() { Name = "4×" }).ClickAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Play" }).ClickAsync();
            await Expect(lines).ToHaveCountAsync(3, new() { Timeout = 30_000 });
            await Expect(page.GetByLabel("Position", new() { Exact = true })).ToHaveTextAsync("2:00 / 2:00", new() { Timeout = 60_000 });
            await Expect(lines).ToHaveCountAsync(4);
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Play" })).ToBeVisibleAsync();

            // After the call a supervisor sets its disposition, a tag and a note: shown, and in the summary.
            var form = page.GetByRole(AriaRole.Form, new() { Name = "Set the disposition" });
            await form.GetByLabel("Disposition", new() { Exact = true }).FillAsync("refunded");
            await form.GetByLabel("Add tags").FillAsync("Double-charge");
            await form.GetByLabel("Note").FillAsync("Refund of the second charge promised by e-mail");
            await form.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
            await Expect(form.GetByRole(AriaRole.Status)).ToHaveTextAsync("Saved.");
            var panel = page.Locator("section.disposition");
            await Expect(panel.Locator("[data-field=disposition]")).ToHaveTextAsync("refunded");
            await Expect(panel.Locator(".notes li")).ToContainTextAsync("Refund of the second charge promised by e-mail");
        }
        finally
        {
            await page.Context.CloseAsync();
        }

        var disposed = await WaitForAsync(callId, s => s.TryGetProperty("disposition", out var d) && d.GetString() == "refunded", cts.Token);
        Assert.Equal(["double-charge"], disposed.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("ana", Assert.Single(disposed.GetProperty("notes").EnumerateArray()).GetProperty("by").GetString());
    }

    [Fact(Timeout = 180_000)]
    public async Task ReviewQueue_ListsTheFlaggedCall_AndAnOverrideWithANoteChangesItsScore_Audited()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(170));
        var callId = $"{Run()}-flagged";
        var start = Today.AddDays(-40).AddHours(12);
        using var agent = app.NewAgent();
        // No greeting and a slow turn: the scorecard scores it 25 (of weights 1 + 1 + 2, only "no dead air" passes) and flags it.
        await agent.PostAsync(cts.Token, Call(
            callId,
            start,
            "Ava",
            100,
            "completed",
            greet: false,
            (60, "transcript.final", new { speaker = "agent", segmentId = "a9", text = "Your order is on its way" }),
            (61, "metrics.turn", new { turnId = "t9", sttMs = 900, llmTtftMs = 2500, ttsTtfbMs = 800, e2eMs = 5200 })));
        var scored = await WaitForAsync(callId, s => s.TryGetProperty("scorecard", out var c) && c.ValueKind == JsonValueKind.Object, cts.Token);
        Assert.True(scored.GetProperty("flagged").GetBoolean());
        var before = scored.GetProperty("score").GetDouble();
        Assert.Equal(25, before);

        var page = await app.SignedInPageAsync();
        try
        {
            await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Reviews" }).ClickAsync();
            var card = page.Locator($"li.review[data-call='{callId}']");
            await Expect(card).ToBeVisibleAsync();
            await Expect(card).ToContainTextAsync($"score {before:0}");
            await Expect(card.Locator(".criteria li.failed")).ToHaveCountAsync(2);
            await Expect(card.Locator(".criteria li.failed")).ToContainTextAsync(["greeting", "latency-budget"]);
            await Screenshots.SaveAsync(page, "review-queue");

            await card.GetByRole(AriaRole.Button, new() { Name = "Override…" }).ClickAsync();
            await card.GetByLabel("Score", new() { Exact = true }).FillAsync("80");
            await card.GetByLabel("Why").FillAsync("The dead air was the caller reading out a long reference number");
            await card.GetByRole(AriaRole.Button, new() { Name = "Save override" }).ClickAsync();
            await Expect(card).ToHaveCountAsync(0);
            await Expect(page.Locator("section.reviews [role=status]")).ToHaveTextAsync($"{callId} overridden.");
        }
        finally
        {
            await page.Context.CloseAsync();
        }

        var reviewed = await WaitForAsync(callId, s => s.TryGetProperty("review", out var r) && r.ValueKind == JsonValueKind.Object, cts.Token);
        Assert.Equal(80, reviewed.GetProperty("score").GetDouble());
        Assert.Equal(("overridden", "ana"), (reviewed.GetProperty("review").GetProperty("verdict").GetString(), reviewed.GetProperty("review").GetProperty("by").GetString()));
        Assert.Equal(before, reviewed.GetProperty("scorecard").GetProperty("score").GetDouble());
        using var admin = await app.ApiAsync("admin", DashboardServer.AdminPassword, cts.Token);
        var audit = await admin.GetAsync($"/api/v1/admin/audit?action=call.review&callId={callId}", cts.Token);
        var entry = Assert.Single(audit.EnumerateArray());
        Assert.Equal(("ana", "ok"), (entry.GetProperty("actor").GetString(), entry.GetProperty("outcome").GetString()));

        // Reviewed, it has left the queue for good.
        using var supervisor = await app.ApiAsync(cancellationToken: cts.Token);
        var pending = await supervisor.GetAsync("/api/v1/calls?status=ended&review=pending&limit=1000", cts.Token);
        Assert.DoesNotContain(pending.GetProperty("past").EnumerateArray(), c => c.GetProperty("callId").GetString() == callId);
    }

    /// <summary>One turn's metrics, a little slower call by call.</summary>
    private static (double, string, object) Turn(int i) => (10, "metrics.turn", new { turnId = "t1", endOfUtteranceMs = 300 + (20 * i), sttMs = 250 + (30 * i), llmTtftMs = 600 + (80 * i), ttsTtfbMs = 200 + (25 * i), e2eMs = 1500 + (150 * i) });

    private static string Run() => "atc" + Guid.NewGuid().ToString("N")[..8];

    private static string Day(DateTimeOffset at) => at.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static ILocator Tile(IPage page, string figure) => page.Locator($".tile[data-figure='{figure}'] .tile-value");

    /// <summary>Moves the scrubber as a drag would: the range input's value, then its input event.</summary>
    private static Task ScrubAsync(IPage page, int ms) => page.GetByLabel("Scrub the timeline").EvaluateAsync(
        """
        (el, ms) => {
          Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set.call(el, String(ms));
          el.dispatchEvent(new Event('input', { bubbles: true }));
        }
        """,
        ms);

    /// <summary>A call as its agent sends it: started, greeted (unless not), the extra events, ended after <paramref name="seconds"/>.</summary>
    private static JsonObject[] Call(string callId, DateTimeOffset start, string agentName, int seconds, string reason, params (double Second, string Type, object Data)[] extra) =>
        Call(callId, start, agentName, seconds, reason, greet: true, extra);

    private static JsonObject[] Call(string callId, DateTimeOffset start, string agentName, int seconds, string reason, bool greet, params (double Second, string Type, object Data)[] extra)
    {
        var events = new List<(double, string, object)> { (0, "call.started", new { agentName, direction = "inbound", caller = new { name = "Ada", number = "+15550123" } }) };
        if (greet)
        {
            events.Add((2, "transcript.final", new { speaker = "agent", segmentId = "a1", text = "Hello, thanks for calling" }));
        }

        events.AddRange(extra);
        events.Add((seconds, "call.ended", new { reason }));
        return [.. events.Select((e, i) => new JsonObject
        {
            ["id"] = $"{callId}-{i}",
            ["callId"] = callId,
            ["type"] = e.Item2,
            ["at"] = start.AddSeconds(e.Item1).ToString("O", CultureInfo.InvariantCulture),
            ["data"] = JsonSerializer.SerializeToNode(e.Item3, JsonSerializerOptions.Web),
        })];
    }

    private async Task WaitForSummariesAsync(IEnumerable<string> callIds, CancellationToken cancellationToken)
    {
        foreach (var callId in callIds)
        {
            await WaitForAsync(callId, _ => true, cancellationToken);
        }
    }

    /// <summary>The call's summary once it says what is asked (the archive follows the log).</summary>
    private async Task<JsonElement> WaitForAsync(string callId, Func<JsonElement, bool> done, CancellationToken cancellationToken)
    {
        using var viewer = await app.ApiAsync(cancellationToken: cancellationToken);
        while (true)
        {
            var (status, answer) = await viewer.TrySendAsync(HttpMethod.Get, $"/api/v1/calls/{callId}/summary", null, cancellationToken);
            if (status == System.Net.HttpStatusCode.OK && done(answer))
            {
                return answer;
            }

            await Task.Delay(100, cancellationToken);
        }
    }
}
