using Microsoft.Playwright;
using Switchboard.Dashboard.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Switchboard.Dashboard.Tests.Browser;

[Collection(DashboardCollection.Name)]
public sealed class CallRoomTests(DashboardServer app)
{
    [Fact(Timeout = 120_000)]
    public async Task CallRoom_OpenedMidCall_ShowsEarlierLinesThenNewOnes()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(110));
        using var agent = app.NewAgent();
        var callId = "room" + Guid.NewGuid().ToString("N")[..6];
        await agent.StartAsync(callId, "Maria Lopez", "salon", cts.Token);
        for (var i = 1; i <= 20; i++)
        {
            await agent.LineAsync(callId, i % 2 == 1 ? "customer" : "agent", $"earlier line {i}", cts.Token);
        }

        await agent.PostAsync(
            cts.Token,
            TestAgent.Event(callId, "tool.called", new { toolCallId = "t1", name = "check_availability", arguments = new { day = "Friday" } }),
            TestAgent.Event(callId, "tool.result", new { toolCallId = "t1", name = "check_availability", ok = true, result = new { slots = new[] { "10:00", "14:30" } }, durationMs = 182 }),
            TestAgent.Event(callId, "agent.handoff", new { from = "greeter", to = "salon", reason = "booking" }),
            TestAgent.Event(callId, "metrics.turn", new { endOfUtteranceMs = 240, sttMs = 120, llmTtftMs = 410, ttsTtfbMs = 150, e2eMs = 920 }));

        var page = await app.SignedInPageAsync();
        try
        {
            await page.GotoAsync($"/calls/{callId}");
            var lines = page.Locator(".transcript li[data-kind='line']");
            await Expect(lines).ToHaveCountAsync(20);
            await Expect(lines.First).ToContainTextAsync("earlier line 1");
            await Expect(page.Locator(".transcript li[data-kind='tool']")).ToHaveCountAsync(2);
            await Expect(page.Locator(".transcript li[data-kind='handoff']")).ToContainTextAsync("greeter → salon");
            await Expect(page.GetByRole(AriaRole.Status, new() { Name = "Call stream: Live" })).ToBeVisibleAsync();
            await Expect(page.Locator(".debug tbody tr").First).ToContainTextAsync("920");

            // Interim text shows as it forms, then the final lines arrive live.
            await agent.InterimAsync(callId, "customer", "could I also book a", cts.Token);
            await Expect(page.Locator(".transcript li[data-kind='interim']")).ToContainTextAsync("could I also book a");
            for (var i = 1; i <= 5; i++)
            {
                await agent.LineAsync(callId, "customer", $"new line {i}", cts.Token);
            }

            await Expect(lines).ToHaveCountAsync(25);
            await Expect(lines.Last).ToContainTextAsync("new line 5");
            await Expect(page.Locator(".transcript li[data-kind='interim']")).ToHaveCountAsync(0);
            await Screenshots.SaveAsync(page, "call-room");
        }
        finally
        {
            await page.Context.CloseAsync();
            await agent.EndAsync(callId, CancellationToken.None);
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task CallRoom_AfterTheConnectionIsCutAndRestored_HasEveryLineOnce()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(110));
        using var agent = app.NewAgent();
        var callId = "cut" + Guid.NewGuid().ToString("N")[..6];
        await agent.StartAsync(callId, "Tom Becker", "support", cts.Token);
        for (var i = 1; i <= 10; i++)
        {
            await agent.LineAsync(callId, "customer", $"before {i}", cts.Token);
        }

        var page = await app.SignedInPageAsync();
        try
        {
            await page.GotoAsync($"/calls/{callId}");
            var lines = page.Locator(".transcript li[data-kind='line']");
            await Expect(lines).ToHaveCountAsync(10);
            await Expect(page.GetByRole(AriaRole.Status, new() { Name = "Call stream: Live" })).ToBeVisibleAsync();

            app.Proxy.Cut();
            await Expect(page.GetByRole(AriaRole.Status, new() { Name = "Call stream: Reconnecting…" })).ToBeVisibleAsync();
            for (var i = 1; i <= 15; i++)
            {
                await agent.LineAsync(callId, i % 2 == 0 ? "agent" : "customer", $"during {i}", cts.Token);
            }

            await Screenshots.SaveAsync(page, "call-room-reconnecting");
            app.Proxy.Restore();
            await Expect(page.GetByRole(AriaRole.Status, new() { Name = "Call stream: Live" })).ToBeVisibleAsync();
            for (var i = 1; i <= 5; i++)
            {
                await agent.LineAsync(callId, "customer", $"after {i}", cts.Token);
            }

            await Expect(lines).ToHaveCountAsync(30);
            var texts = await lines.Locator(".text").AllInnerTextsAsync();
            string[] expected = [.. Enumerable.Range(1, 10).Select(i => $"before {i}"), .. Enumerable.Range(1, 15).Select(i => $"during {i}"), .. Enumerable.Range(1, 5).Select(i => $"after {i}")];
            Assert.Equal(expected, texts);
            var seqs = (await lines.EvaluateAllAsync<long[]>("els => els.map(e => Number(e.dataset.seq))")).ToList();
            Assert.Equal(seqs.Distinct().Count(), seqs.Count);
            Assert.Equal(seqs.Order(), seqs);
            await Screenshots.SaveAsync(page, "call-room-after-reconnect");
        }
        finally
        {
            app.Proxy.Restore();
            await page.Context.CloseAsync();
            await agent.EndAsync(callId, CancellationToken.None);
        }
    }
}
