using Microsoft.Playwright;
using Switchboard.Dashboard.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Switchboard.Dashboard.Tests.Browser;

[Collection(DashboardCollection.Name)]
public sealed class WallboardTests(DashboardServer app)
{
    private static readonly string[] Callers = ["Maria Lopez", "Tom Becker", "Aiko Tanaka", "Sam Okafor", "Lena Fischer", "Raj Patel", "Chloe Martin", "Omar Haddad", "Eva Novak", "Jon Berg", "Nina Rossi", "Paul Grant"];
    private static readonly string[] Personas = ["salon", "support", "billing", "sales"];

    [Fact(Timeout = 120_000)]
    public async Task Wallboard_ShowsTheReportedCalls_AndFollowsThemLive()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(110));
        using var agent = app.NewAgent();
        var prefix = "wb" + Guid.NewGuid().ToString("N")[..6];
        var ids = Enumerable.Range(0, Callers.Length).Select(i => $"{prefix}-{i}").ToList();
        for (var i = 0; i < ids.Count; i++)
        {
            await agent.StartAsync(ids[i], Callers[i], Personas[i % Personas.Length], cts.Token);
            await agent.LineAsync(ids[i], "agent", "Thanks for calling, how can I help?", cts.Token);
            await agent.StateAsync(ids[i], i % 3 == 0 ? "speaking" : "listening", cts.Token);
        }

        var page = await app.SignedInPageAsync();
        try
        {
            await page.GotoAsync("/");
            var bubbles = page.Locator($".bubble[data-call-id^='{prefix}-']");
            await Expect(bubbles).ToHaveCountAsync(ids.Count);
            await Expect(page.GetByRole(AriaRole.Status, new() { Name = "Wallboard stream: Live" })).ToBeVisibleAsync();

            // A new call appears and an ended one leaves, without reloading.
            var late = $"{prefix}-late";
            await agent.StartAsync(late, "Iris Walsh", "support", cts.Token);
            await Expect(bubbles).ToHaveCountAsync(ids.Count + 1);
            await agent.EndAsync(ids[0], cts.Token);
            await Expect(page.Locator($".bubble[data-call-id='{ids[0]}']")).ToHaveCountAsync(0);

            // A call whose agent asks for help moves towards the centre with a badge.
            await agent.PostAsync(cts.Token, TestAgent.Event(ids[7], "escalation.requested", new { requestId = "r-" + prefix, question = "Can we refund a cancelled booking?", topic = "billing", timeoutMs = 60000 }));
            var escalated = page.Locator($".bubble[data-call-id='{ids[7]}']");
            // Other tests' calls share the server, and its attention score ranks them all: among this
            // test's calls, the escalated one must be nearest the centre.
            const string Nearest = """
                ([prefix, id]) => {
                  const all = [...document.querySelectorAll(`.bubble[data-call-id^='${prefix}-']`)];
                  const mine = all.find(b => b.dataset.callId === id);
                  return !!mine && all.every(b => Number(mine.dataset.rank) <= Number(b.dataset.rank));
                }
                """;
            await page.WaitForFunctionAsync(Nearest, new[] { prefix, ids[7] }, new() { Timeout = 20_000, PollingInterval = 200 });
            await Expect(escalated.Locator(".badge")).ToBeVisibleAsync();
            await Expect(escalated).ToHaveAttributeAsync("aria-label", new System.Text.RegularExpressions.Regex("needs help"));
            await Screenshots.SaveAsync(page, "wallboard-bubbles");

            // The card view: one row per call, filterable.
            await page.GetByRole(AriaRole.Button, new() { Name = "Cards" }).ClickAsync();
            var rows = page.Locator($"tr[data-call-id^='{prefix}-']");
            await Expect(rows).ToHaveCountAsync(ids.Count);
            await Expect(rows.First).ToHaveAttributeAsync("data-call-id", ids[7]);
            await Screenshots.SaveAsync(page, "wallboard-cards");
            await page.GetByLabel("Show").SelectOptionAsync("help");
            await Expect(rows).ToHaveCountAsync(1);
            await page.GetByLabel("Show").SelectOptionAsync("all");
            await page.GetByLabel("Filter").FillAsync("Aiko");
            await Expect(rows).ToHaveCountAsync(1);
            await Expect(rows.First).ToContainTextAsync("Aiko Tanaka");
        }
        finally
        {
            await page.Context.CloseAsync();
            foreach (var id in ids.Skip(1).Append($"{prefix}-late"))
            {
                await agent.EndAsync(id, CancellationToken.None);
            }
        }
    }

    [Fact(Timeout = 180_000)]
    public async Task Wallboard_WithMoreThanAHundredCalls_KeepsEveryBubbleOnScreenAndApart()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(170));
        using var agent = app.NewAgent();
        var prefix = "many" + Guid.NewGuid().ToString("N")[..6];
        var ids = Enumerable.Range(0, 120).Select(i => $"{prefix}-{i:D3}").ToList();
        for (var i = 0; i < ids.Count; i++)
        {
            await agent.StartAsync(ids[i], Callers[i % Callers.Length], Personas[i % Personas.Length], cts.Token);
        }

        var page = await app.SignedInPageAsync();
        try
        {
            await page.SetViewportSizeAsync(1920, 1080);
            await page.GotoAsync("/");
            var bubbles = page.Locator($".bubble[data-call-id^='{prefix}-']");
            await Expect(bubbles).ToHaveCountAsync(ids.Count);
            await Screenshots.SaveAsync(page, "wallboard-120-calls");
            var boxes = await bubbles.EvaluateAllAsync<double[][]>(
                "els => els.map(e => { const r = e.getBoundingClientRect(); return [r.x, r.y, r.width, r.height]; })");
            foreach (var b in boxes)
            {
                Assert.True(b[0] >= 0 && b[1] >= 0 && b[0] + b[2] <= 1920 && b[1] + b[3] <= 1080, $"a bubble lies off screen at {string.Join(",", b)}");
                Assert.True(b[2] >= 28, $"a bubble is too small to read: {b[2]} px");
            }

            for (var i = 0; i < boxes.Length; i++)
            {
                for (var j = i + 1; j < boxes.Length; j++)
                {
                    var dx = boxes[i][0] - boxes[j][0];
                    var dy = boxes[i][1] - boxes[j][1];
                    Assert.True(Math.Sqrt((dx * dx) + (dy * dy)) >= boxes[i][2] - 0.5, "two bubbles overlap");
                }
            }
        }
        finally
        {
            await page.Context.CloseAsync();
            foreach (var id in ids)
            {
                await agent.EndAsync(id, CancellationToken.None);
            }
        }
    }

    [Fact(Timeout = 180_000)]
    public async Task Wallboard_ShowsTheSimulatedCalls_AndTheyChangeLive()
    {
        var run = "live" + Guid.NewGuid().ToString("N")[..6];
        using var simulator = app.StartSimulator("--concurrency", "10", "--rate", "5", "--calls", "10", "--run-id", run, "--seed", "11", "--crash-share", "0", "--hangup-share", "0");
        var page = await app.SignedInPageAsync();
        try
        {
            var bubbles = page.Locator($".bubble[data-call-id^='SIM-{run}-']");
            await Expect(bubbles).ToHaveCountAsync(10, new() { Timeout = 60_000 });

            // What the bubbles say (agent state, last line) changes without a reload.
            const string Changed = """
                prefix => {
                  const now = [...document.querySelectorAll(`.bubble[data-call-id^='${prefix}']`)]
                    .map(b => b.dataset.callId + ':' + b.querySelector('.bubble-state')?.textContent + ':' + b.title).sort().join('|');
                  window.__firstSeen ??= now;
                  return now !== window.__firstSeen;
                }
                """;
            await page.WaitForFunctionAsync(Changed, $"SIM-{run}-", new() { Timeout = 30_000, PollingInterval = 250 });
            await Screenshots.SaveAsync(page, "wallboard-simulated");
            await page.GetByRole(AriaRole.Button, new() { Name = "Cards" }).ClickAsync();
            await Expect(page.Locator($"tr[data-call-id^='SIM-{run}-']")).ToHaveCountAsync(10);
            await Screenshots.SaveAsync(page, "wallboard-simulated-cards");
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }
}
