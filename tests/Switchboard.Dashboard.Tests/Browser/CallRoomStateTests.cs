using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Switchboard.Dashboard.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Switchboard.Dashboard.Tests.Browser;

/// <summary>What the call room says about the call itself: who, how long, who watches, whether it still runs.</summary>
[Collection(DashboardCollection.Name)]
public sealed partial class CallRoomStateTests(DashboardServer app)
{
    [Fact(Timeout = 120_000)]
    public async Task EndedCall_SaysItEnded_HasNoHolder_DisablesEveryControl_AndLabelsLinesThatArriveAfterTheEnd()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(110));
        using var agent = app.NewAgent();
        var callId = "ended" + Guid.NewGuid().ToString("N")[..6];
        await agent.StartAsync(callId, "Nina Rossi", "support", cts.Token);
        await agent.LineAsync(callId, "customer", "I need to move my appointment.", cts.Token);
        using (var ana = await app.ApiAsync(cancellationToken: cts.Token))
        {
            await ana.PostAsync($"/api/v1/calls/{callId}/takeover", new { }, cts.Token);
        }

        await agent.PostAsync(cts.Token, TestAgent.Event(callId, "call.ended", new { reason = "caller_hangup" }));
        var page = await app.SignedInPageAsync();
        try
        {
            await page.GotoAsync($"/calls/{callId}");
            var ended = page.GetByRole(AriaRole.Status, new() { Name = "Call state" });
            await Expect(ended).ToContainTextAsync(EndedAt());
            await Expect(ended).ToContainTextAsync("the caller hung up");
            await Expect(page.GetByText("Live", new() { Exact = true })).ToHaveCountAsync(0);
            await Expect(page.GetByText(HeldBy())).ToHaveCountAsync(0);
            await Expect(page.GetByText("You hold the call", new() { Exact = true })).ToHaveCountAsync(0);

            var controls = page.GetByRole(AriaRole.Region, new() { Name = "Controls" });
            foreach (var button in await controls.GetByRole(AriaRole.Button).AllAsync())
            {
                await Expect(button).ToBeDisabledAsync();
            }

            foreach (var field in await controls.Locator("textarea, input, select").AllAsync())
            {
                await Expect(field).ToBeDisabledAsync();
            }

            // The agent still reports a line after the end: it is shown after the end, marked as late.
            await agent.LineAsync(callId, "agent", "Sorry, I did not catch that.", cts.Token);
            var late = page.Locator(".transcript li[data-late='true']");
            await Expect(late).ToContainTextAsync("Sorry, I did not catch that.");
            await Expect(late).ToContainTextAsync("after the call ended");
            var order = await page.Locator(".transcript li").EvaluateAllAsync<string[]>("els => els.map(e => e.dataset.late === 'true' ? 'late' : e.classList.contains('ended-marker') ? 'end' : 'line')");
            var end = Array.IndexOf(order, "end");
            Assert.True(end >= 1 && Array.IndexOf(order, "late") > end, "expected the line, the end, then the late line: " + string.Join(",", order));
            await Expect(ended).ToContainTextAsync("the caller hung up");
            await Screenshots.SaveAsync(page, "call-room-ended");
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task UnknownCall_SaysThereIsNoSuchCall_AndOffersNoControls()
    {
        var page = await app.SignedInPageAsync();
        try
        {
            await page.GotoAsync("/calls/no-such-call-" + Guid.NewGuid().ToString("N")[..6]);
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "No such call" })).ToBeVisibleAsync();
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Take over" })).ToHaveCountAsync(0);
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "End call" })).ToHaveCountAsync(0);
            await Expect(page.GetByRole(AriaRole.Region, new() { Name = "Controls" })).ToHaveCountAsync(0);
            await Expect(page.GetByText("Live", new() { Exact = true })).ToHaveCountAsync(0);
            await Expect(page.GetByRole(AriaRole.Link, new() { Name = "← Wallboard" })).ToBeVisibleAsync();
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task CallRoom_NamesCallerPersonaAgentAndDuration_AndCallsOfOneCallerNameAreToldApart()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(110));
        using var agent = app.NewAgent();
        var prefix = "same" + Guid.NewGuid().ToString("N")[..6];
        string[] ids = [$"{prefix}-a", $"{prefix}-b"];
        foreach (var id in ids)
        {
            await agent.StartAsync(id, "Maria Lopez", "salon", cts.Token);
        }

        await agent.PostAsync(cts.Token, TestAgent.Event(ids[0], "agent.handoff", new { from = "salon", to = "booking" }));
        var page = await app.SignedInPageAsync();
        try
        {
            // On the wallboard the two calls of "Maria Lopez" read differently.
            var names = page.Locator($".bubble[data-call-id^='{prefix}-'] .bubble-name");
            await Expect(names).ToHaveCountAsync(2);
            var shown = await names.AllInnerTextsAsync();
            Assert.All(shown, n => Assert.StartsWith("Maria Lopez", n, StringComparison.Ordinal));
            Assert.NotEqual(shown[0], shown[1]);

            await page.GotoAsync($"/calls/{ids[0]}");
            var heading = page.GetByRole(AriaRole.Heading, new() { Level = 1 });
            await Expect(heading).ToContainTextAsync("Maria Lopez");
            var facts = page.GetByRole(AriaRole.Region, new() { Name = "About this call" });
            await Expect(facts).ToContainTextAsync("booking");
            await Expect(facts).ToContainTextAsync("salon");
            await Expect(facts).ToContainTextAsync(Duration());
            // A supervisor sees the caller's number masked (docs/PRIVACY.md); calls are told apart by id.
            await Expect(facts).ToContainTextAsync("[phone]");
            await Expect(facts).Not.ToContainTextAsync("+1555010");
            await Expect(facts).ToContainTextAsync(ids[0][^6..]);
            var first = await heading.InnerTextAsync() + await facts.InnerTextAsync();
            await page.GotoAsync($"/calls/{ids[1]}");
            await Expect(facts).ToContainTextAsync(ids[1][^6..]);
            Assert.NotEqual(first, await heading.InnerTextAsync() + await facts.InnerTextAsync());
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

    [Fact(Timeout = 120_000)]
    public async Task AgentStateStrip_KeepsOneRowOfTheLatestStates_HoweverLongTheCall()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(110));
        using var agent = app.NewAgent();
        var callId = "states" + Guid.NewGuid().ToString("N")[..6];
        await agent.StartAsync(callId, "Omar Haddad", "support", cts.Token);
        string[] cycle = ["listening", "thinking", "speaking"];
        var events = Enumerable.Range(0, 60).Select(i => TestAgent.Event(callId, "agent.state", new { state = cycle[i % 3] })).ToArray();
        await agent.PostAsync(cts.Token, events);
        await agent.StateAsync(callId, "idle", cts.Token);
        var page = await app.SignedInPageAsync();
        try
        {
            await page.GotoAsync($"/calls/{callId}");
            var states = page.GetByRole(AriaRole.List, new() { Name = "Recent agent states" }).GetByRole(AriaRole.Listitem);
            await Expect(states.Last).ToContainTextAsync("idle");
            var count = await states.CountAsync();
            Assert.InRange(count, 2, 12);
            var tops = await states.EvaluateAllAsync<double[]>("els => els.map(e => e.getBoundingClientRect().top)");
            Assert.Single(tops.Distinct());
        }
        finally
        {
            await page.Context.CloseAsync();
            await agent.EndAsync(callId, CancellationToken.None);
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task CallRoom_NamesTheSupervisorsWatching_AndWhatEachDoes()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(110));
        using var agent = app.NewAgent();
        var callId = "watch" + Guid.NewGuid().ToString("N")[..6];
        await agent.StartAsync(callId, "Eva Novak", "billing", cts.Token);
        using var admin = await app.ApiAsync("admin", DashboardServer.AdminPassword, cts.Token);
        await admin.PostAsync($"/api/v1/calls/{callId}/listen", new { }, cts.Token);
        var page = await app.SignedInPageAsync();
        try
        {
            await page.GotoAsync($"/calls/{callId}");
            var watching = page.GetByRole(AriaRole.Region, new() { Name = "Watching" });
            await Expect(watching).ToContainTextAsync("admin");
            await Expect(watching).ToContainTextAsync("listening");

            await page.GetByRole(AriaRole.Button, new() { Name = "Listen" }).ClickAsync();
            await Expect(watching).ToContainTextAsync("you");
            await admin.PostAsync($"/api/v1/calls/{callId}/takeover", new { }, cts.Token);
            await Expect(watching).ToContainTextAsync("admin (holding the call)");
            await Screenshots.SaveAsync(page, "call-room-watching");
        }
        finally
        {
            await page.Context.CloseAsync();
            await agent.EndAsync(callId, CancellationToken.None);
        }
    }

    [GeneratedRegex(@"(?i)ended at \d{1,2}:\d{2}")]
    private static partial Regex EndedAt();

    [GeneratedRegex("(?i)held by")]
    private static partial Regex HeldBy();

    [GeneratedRegex(@"(?<!\d)\d+:\d{2}(?!\d)")]
    private static partial Regex Duration();
}
