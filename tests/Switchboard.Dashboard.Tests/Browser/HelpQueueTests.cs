using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Switchboard.Dashboard.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Switchboard.Dashboard.Tests.Browser;

/// <summary>The help queue as a supervisor works it: what is offered, what happened to a request, what was sent.</summary>
[Collection(DashboardCollection.Name)]
public sealed partial class HelpQueueTests(DashboardServer app)
{
    [Fact(Timeout = 120_000)]
    public async Task QuickResponses_ShowTheirMatchAndSource_AndAnUnrelatedAnswerIsNotOffered()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(110));
        var tag = Guid.NewGuid().ToString("N")[..6];
        long related, unrelated;
        using (var ana = await app.ApiAsync(cancellationToken: cts.Token))
        {
            related = (await ana.PostAsync("/api/v1/kb", new { question = "Can we replace a router that keeps dropping the connection?", answer = $"Yes, send a replacement router ({tag}) if the line test passes.", topic = "support" }, cts.Token)).GetProperty("id").GetInt64();
            unrelated = (await ana.PostAsync("/api/v1/kb", new { question = "How many vacation days do new employees get?", answer = $"New employees get 25 vacation days a year ({tag}).", topic = "hr" }, cts.Token)).GetProperty("id").GetInt64();
        }

        var page = await app.SignedInPageAsync();
        using var agent = app.NewAgent();
        var callId = "kb" + tag;
        try
        {
            await page.GetByRole(AriaRole.Link, new() { Name = "Help queue" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Status, new() { Name = "Help queue stream: Live" })).ToBeVisibleAsync();
            await agent.StartAsync(callId, "Jon Berg", "support", cts.Token);
            await agent.PostAsync(cts.Token, TestAgent.Event(callId, "escalation.requested", new { requestId = "r-" + tag, question = "The caller's router drops the connection every day; can we replace it?", topic = "support", timeoutMs = 120_000 }));

            var request = page.Locator(".request").Filter(new() { HasText = "router drops the connection every day" });
            await Expect(request).ToBeVisibleAsync();
            var offered = request.GetByRole(AriaRole.Region, new() { Name = "Quick responses from the knowledge base" }).GetByRole(AriaRole.Listitem);
            var mine = offered.Filter(new() { HasText = tag });
            await Expect(mine).ToHaveCountAsync(1);
            await Expect(mine).ToHaveAttributeAsync("data-entry-id", related.ToString(System.Globalization.CultureInfo.InvariantCulture));
            await Expect(mine).ToContainTextAsync(MatchPercent());
            await Expect(mine).ToContainTextAsync($"entry #{related}");
            await Expect(mine).ToContainTextAsync("support");
            await Expect(mine).ToContainTextAsync("Can we replace a router that keeps dropping the connection?");
            await Expect(request.Locator($"[data-entry-id='{unrelated}']")).ToHaveCountAsync(0);
            await Expect(request).Not.ToContainTextAsync("vacation");

            // Using it only fills the answer in, for the supervisor to read before sending.
            await mine.GetByRole(AriaRole.Button, new() { Name = "Use this answer" }).ClickAsync();
            await Expect(request.GetByLabel("Answer for the agent")).ToHaveValueAsync($"Yes, send a replacement router ({tag}) if the line test passes.");
            await Screenshots.SaveAsync(page, "help-queue-quick-responses");
        }
        finally
        {
            await page.Context.CloseAsync();
            await agent.EndAsync(callId, CancellationToken.None);
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task ARequestNobodyAnswers_SaysInTheQueueThatItTimedOut()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(110));
        var tag = Guid.NewGuid().ToString("N")[..6];
        var page = await app.SignedInPageAsync();
        using var agent = app.NewAgent();
        var callId = "late" + tag;
        try
        {
            await page.GetByRole(AriaRole.Link, new() { Name = "Help queue" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Status, new() { Name = "Help queue stream: Live" })).ToBeVisibleAsync();
            await agent.StartAsync(callId, "Raj Patel", "billing", cts.Token);
            await agent.PostAsync(cts.Token, TestAgent.Event(callId, "escalation.requested", new { requestId = "r-" + tag, question = $"May I waive the late fee ({tag})?", topic = "billing", timeoutMs = 4000 }));
            var open = page.GetByRole(AriaRole.List, new() { Name = "Open help requests, longest waiting first" }).Locator(".request").Filter(new() { HasText = tag });
            await Expect(open).ToBeVisibleAsync();

            var closed = page.GetByRole(AriaRole.List, new() { Name = "Recently closed" }).GetByRole(AriaRole.Listitem).Filter(new() { HasText = tag });
            await Expect(closed).ToContainTextAsync(TimedOutAfter(), new() { Timeout = 20_000 });
            await Expect(closed).ToContainTextAsync("the agent was told to go on without an answer");
            await Expect(open).ToHaveCountAsync(0);
            await Screenshots.SaveAsync(page, "help-queue-timed-out");
        }
        finally
        {
            await page.Context.CloseAsync();
            await agent.EndAsync(callId, CancellationToken.None);
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task ASentAnswerIsConfirmed_AndOneThatFailsSaysWhyAndKeepsTheText()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(110));
        var tag = Guid.NewGuid().ToString("N")[..6];
        var page = await app.SignedInPageAsync();
        using var agent = app.NewAgent();
        var callId = "send" + tag;
        try
        {
            await page.GetByRole(AriaRole.Link, new() { Name = "Help queue" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Status, new() { Name = "Help queue stream: Live" })).ToBeVisibleAsync();
            await agent.StartAsync(callId, "Chloe Martin", "salon", cts.Token);
            for (var i = 1; i <= 10; i++)
            {
                await agent.LineAsync(callId, i % 2 == 1 ? "customer" : "agent", $"line {i} of the call", cts.Token);
            }

            await agent.PostAsync(cts.Token, TestAgent.Event(callId, "escalation.requested", new { requestId = "r-" + tag, question = $"Can she bring her dog ({tag})?", topic = "salon", timeoutMs = 120_000 }));
            var request = page.Locator(".request").Filter(new() { HasText = tag });
            await Expect(request).ToBeVisibleAsync();

            // The call's last lines open at the newest one.
            var mini = request.GetByRole(AriaRole.List, new() { Name = "The call's last lines" });
            await Expect(mini.GetByRole(AriaRole.Listitem).Last).ToContainTextAsync("line 10 of the call");
            await Expect(mini.GetByRole(AriaRole.Listitem).Last).ToBeInViewportAsync();
            await Expect(mini.GetByRole(AriaRole.Listitem).First).Not.ToBeInViewportAsync();

            // The server fails once: the supervisor is told the answer did not go, and keeps it.
            await page.RouteAsync("**/answer", route => route.FulfillAsync(new()
            {
                Status = 503,
                ContentType = "application/problem+json",
                Body = JsonSerializer.Serialize(new { title = "Event log unavailable", detail = "Try again in a moment.", status = 503 }),
            }));
            var answer = request.GetByLabel("Answer for the agent");
            await answer.FillAsync($"Yes, dogs are welcome ({tag}).");
            await request.GetByRole(AriaRole.Button, new() { Name = "Send answer" }).ClickAsync();
            var alert = request.GetByRole(AriaRole.Alert);
            await Expect(alert).ToContainTextAsync("Your answer was not sent");
            await Expect(alert).ToContainTextAsync("Event log unavailable");
            await Expect(answer).ToHaveValueAsync($"Yes, dogs are welcome ({tag}).");
            await Screenshots.SaveAsync(page, "help-queue-answer-failed");

            await page.UnrouteAllAsync();
            await request.GetByRole(AriaRole.Button, new() { Name = "Send answer" }).ClickAsync();
            var closed = page.GetByRole(AriaRole.List, new() { Name = "Recently closed" }).GetByRole(AriaRole.Listitem).Filter(new() { HasText = tag });
            await Expect(closed).ToContainTextAsync("You answered");
            await Expect(closed).ToContainTextAsync($"Yes, dogs are welcome ({tag}).");
            await Expect(page.GetByRole(AriaRole.Status, new() { Name = "Help queue news" })).ToContainTextAsync("Your answer was sent to the agent");
        }
        finally
        {
            await page.Context.CloseAsync();
            await agent.EndAsync(callId, CancellationToken.None);
        }
    }

    [GeneratedRegex(@"\d+% match")]
    private static partial Regex MatchPercent();

    [GeneratedRegex(@"Timed out after [3-9] s")]
    private static partial Regex TimedOutAfter();
}
