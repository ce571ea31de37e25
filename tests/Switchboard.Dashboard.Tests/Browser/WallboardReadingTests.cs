using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Switchboard.Dashboard.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Switchboard.Dashboard.Tests.Browser;

/// <summary>Reading the wallboard: every figure says what it is, and the pictures are explained.</summary>
[Collection(DashboardCollection.Name)]
public sealed partial class WallboardReadingTests(DashboardServer app)
{
    [Fact(Timeout = 120_000)]
    public async Task SentimentFigures_SayWhichSentimentTheyAre_AndTheCallFigureAgreesWithTheFlag()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(110));
        using var agent = app.NewAgent();
        var callId = "mood" + Guid.NewGuid().ToString("N")[..6];
        await agent.StartAsync(callId, "Lena Fischer", "billing", cts.Token);
        foreach (var line in new[] { "This is bad.", "Okay, I guess that is fine.", "This is terrible and I am really angry!" })
        {
            await agent.LineAsync(callId, "customer", line, cts.Token);
        }

        var page = await app.SignedInPageAsync();
        try
        {
            await page.GotoAsync("/?view=cards");
            var row = page.Locator($"tr[data-call-id='{callId}']");
            var sentiment = row.Locator("td.sentiment");
            await Expect(sentiment).ToContainTextAsync(LastLineFigure());
            await Expect(row.Locator("td.flags")).ToContainTextAsync(FlagFigure());

            var cell = await sentiment.InnerTextAsync();
            var call = CallFigure().Match(cell);
            var last = LastLineFigure().Match(cell);
            var flag = FlagFigure().Match(await row.Locator("td.flags").InnerTextAsync());
            Assert.True(call.Success, $"no labelled call figure in '{cell}'");
            Assert.Equal(call.Groups[1].Value, flag.Groups[1].Value);
            Assert.NotEqual(call.Groups[1].Value, last.Groups[1].Value);
            Assert.True(double.Parse(last.Groups[1].Value, CultureInfo.InvariantCulture) < double.Parse(call.Groups[1].Value, CultureInfo.InvariantCulture));
            await Screenshots.SaveAsync(page, "wallboard-cards-sentiment");
        }
        finally
        {
            await page.Context.CloseAsync();
            await agent.EndAsync(callId, CancellationToken.None);
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task ACallOverTheLatencyBudget_CarriesABadgeNamingTheStage_AndTheHeaderShowsTheFleetsP95()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(110));
        using var agent = app.NewAgent();
        var callId = "slow" + Guid.NewGuid().ToString("N")[..6];
        await agent.StartAsync(callId, "Omar Haddad", "billing", cts.Token);
        await agent.PostAsync(cts.Token, [.. new[] { 600, 1200, 700 }.Select(ms => TestAgent.Event(callId, "metrics.turn", new { sttMs = 200, llmTtftMs = ms, ttsTtfbMs = 150, e2eMs = 1500 }))]);

        var page = await app.SignedInPageAsync();
        try
        {
            await page.GotoAsync("/?view=cards");
            var badge = page.Locator($"tr[data-call-id='{callId}'] [data-testid='budget-flag']");
            await Expect(badge).ToHaveTextAsync("Slow: LLM 1.2 s p95");
            await Expect(badge).ToHaveAttributeAsync("title", "LLM first token: p95 1.2 s over the last 3 turns, budget 800 ms");
            await Expect(page.GetByRole(AriaRole.List, new() { Name = "Latency p95 of the last 5 minutes against the budget" })).ToContainTextAsync("/ 800 ms");
            await Screenshots.SaveAsync(page, "wallboard-cards-latency-budget");
        }
        finally
        {
            await page.Context.CloseAsync();
            await agent.EndAsync(callId, CancellationToken.None);
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task BubbleView_HasALegendForItsColoursRingsAndBadges()
    {
        var page = await app.SignedInPageAsync();
        try
        {
            var legend = page.GetByRole(AriaRole.Region, new() { Name = "Legend" });
            await Expect(legend).ToBeVisibleAsync();
            foreach (var meaning in new[] { "positive", "neutral", "negative", "not scored yet", "agent speaking", "asking for help", "centre" })
            {
                await Expect(legend).ToContainTextAsync(meaning);
            }

            // The swatches are drawn like the bubbles they explain.
            var negative = await legend.Locator(".swatch.tone-negative").EvaluateAsync<string>("e => getComputedStyle(e).borderTopColor");
            var positive = await legend.Locator(".swatch.tone-positive").EvaluateAsync<string>("e => getComputedStyle(e).borderTopColor");
            Assert.NotEqual(negative, positive);
            await page.GetByRole(AriaRole.Button, new() { Name = "Cards" }).ClickAsync();
            await Expect(legend).ToHaveCountAsync(0);
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [GeneratedRegex(@"call (?:negative|neutral|positive) (-?\d\.\d\d)")]
    private static partial Regex CallFigure();

    [GeneratedRegex(@"last line (?:negative|neutral|positive) (-?\d\.\d\d)")]
    private static partial Regex LastLineFigure();

    [GeneratedRegex(@"negative call sentiment \((-?\d\.\d\d)\)")]
    private static partial Regex FlagFigure();
}
