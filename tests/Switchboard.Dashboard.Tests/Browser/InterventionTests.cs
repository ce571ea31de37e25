using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Switchboard.Dashboard.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Switchboard.Dashboard.Tests.Browser;

/// <summary>Supervisors act on calls that the simulator drives through the SDK.</summary>
[Collection(DashboardCollection.Name)]
public sealed partial class InterventionTests(DashboardServer app)
{
    [Fact(Timeout = 180_000)]
    public async Task Guidance_SentFromTheCallRoom_IsMarkedAppliedWhenTheAgentAcknowledges()
    {
        var run = "guide" + Guid.NewGuid().ToString("N")[..6];
        using var simulator = app.StartSimulator("--scenarios", Simulator.TestScenarios, "--scenario", "supervised-long", "--calls", "1", "--rate", "5", "--run-id", run, "--seed", "7");
        var page = await app.SignedInPageAsync();
        try
        {
            await OpenSimulatedCallAsync(page, run);
            await page.GetByLabel("Guide the agent").FillAsync("Offer the customer a free month for the trouble.");
            await page.GetByRole(AriaRole.Button, new() { Name = "Send guidance" }).ClickAsync();
            var guidance = page.Locator(".transcript li[data-kind='guidance']").Filter(new() { HasText = "Offer the customer a free month" });
            await Expect(guidance).ToHaveAttributeAsync("data-applied", "true", new() { Timeout = 30_000 });
            await Expect(guidance).ToContainTextAsync("applied");
            await Screenshots.SaveAsync(page, "call-room-guidance-applied");
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Fact(Timeout = 180_000)]
    public async Task TakeOver_PausesTheAgent_LetsTheSupervisorSpeak_AndHandBackResumesIt()
    {
        var run = "hold" + Guid.NewGuid().ToString("N")[..6];
        using var simulator = app.StartSimulator("--scenarios", Simulator.TestScenarios, "--scenario", "supervised-long", "--calls", "1", "--rate", "5", "--run-id", run, "--seed", "8");
        var page = await app.SignedInPageAsync();
        try
        {
            await OpenSimulatedCallAsync(page, run);

            // The keyboard shortcut asks first; the confirmation takes the call over.
            await page.Locator("body").PressAsync("t");
            var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Take over this call?" });
            await Expect(dialog).ToBeVisibleAsync();
            await dialog.GetByRole(AriaRole.Button, new() { Name = "Take over" }).ClickAsync();
            await Expect(page.GetByText("You hold the call", new() { Exact = true })).ToBeVisibleAsync(new() { Timeout = 30_000 });
            await Expect(page.GetByRole(AriaRole.Status, new() { Name = "Outcome" })).ToContainTextAsync("You took over the call.");
            await Expect(page.Locator(".transcript").GetByText("ana took over; the agent is paused")).ToBeVisibleAsync();

            await page.GetByLabel("Say to the caller").FillAsync("Hello, this is Ana, a supervisor. I will sort this out for you.");
            await page.GetByRole(AriaRole.Button, new() { Name = "Say", Exact = true }).ClickAsync();
            await Expect(page.Locator(".transcript li[data-kind='line']").Filter(new() { HasText = "this is Ana, a supervisor" })).ToBeVisibleAsync(new() { Timeout = 30_000 });
            await Screenshots.SaveAsync(page, "call-room-takeover");

            await page.GetByRole(AriaRole.Button, new() { Name = "Hand back" }).ClickAsync();
            await Expect(page.Locator(".transcript").GetByText(HandedBack())).ToBeVisibleAsync(new() { Timeout = 30_000 });
            await Expect(page.GetByRole(AriaRole.Status, new() { Name = "Outcome" })).ToContainTextAsync("You handed the call back to the agent.");
            await Expect(page.GetByText("You hold the call", new() { Exact = true })).ToHaveCountAsync(0);
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Take over" })).ToBeVisibleAsync();
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task AnotherSupervisorsTakeOver_ShowsWhoHoldsTheCall_AndOffersNoHandBack()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(110));
        using var agent = app.NewAgent();
        var callId = "other" + Guid.NewGuid().ToString("N")[..6];
        await agent.StartAsync(callId, "Paul Grant", "support", cts.Token);
        var page = await app.SignedInPageAsync();
        try
        {
            await page.GotoAsync($"/calls/{callId}");
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Take over" })).ToBeEnabledAsync();
            using (var admin = await app.ApiAsync("admin", DashboardServer.AdminPassword, cts.Token))
            {
                await admin.PostAsync($"/api/v1/calls/{callId}/takeover", new { }, cts.Token);
            }

            await Expect(page.GetByText("Held by admin")).ToBeVisibleAsync();
            await Expect(page.GetByText("You hold the call", new() { Exact = true })).ToHaveCountAsync(0);
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Hand back" })).ToBeDisabledAsync();
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Take over" })).ToHaveCountAsync(0);
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "End call" })).ToBeDisabledAsync();
            await Expect(page.GetByLabel("Say to the caller")).ToHaveCountAsync(0);

            // The keyboard does no more than the buttons.
            await page.Locator("body").PressAsync("h");
            await Expect(page.GetByRole(AriaRole.Status, new() { Name = "Outcome" })).Not.ToContainTextAsync("handed");
            await Screenshots.SaveAsync(page, "call-room-held-by-another");
        }
        finally
        {
            await page.Context.CloseAsync();
            await agent.EndAsync(callId, CancellationToken.None);
        }
    }

    [Fact(Timeout = 240_000)]
    public async Task Escalation_AnsweredInTheHelpQueue_ReachesTheSdkAgent_AndWaitsInTheKnowledgeBase()
    {
        var run = "help" + Guid.NewGuid().ToString("N")[..6];
        const string Answer = "Yes, refund the duplicate March charge in full.";
        using var simulator = app.StartSimulator("--scenarios", Simulator.TestScenarios, "--scenario", "needs-help", "--calls", "1", "--rate", "5", "--run-id", run, "--seed", "9");
        var page = await app.SignedInPageAsync();
        try
        {
            await page.GetByRole(AriaRole.Link, new() { Name = "Help queue" }).ClickAsync();
            var request = page.Locator(".request").Filter(new() { HasText = "charged twice for March" });
            await Expect(request).ToBeVisibleAsync(new() { Timeout = 90_000 });
            await Expect(request.GetByRole(AriaRole.Timer)).ToBeVisibleAsync();
            await Expect(request.GetByText("I was charged twice for my March invoice")).ToBeVisibleAsync();

            var href = await request.GetByRole(AriaRole.Link, new() { Name = "Open the call" }).GetAttributeAsync("href");
            await request.GetByRole(AriaRole.Button, new() { Name = "Claim" }).ClickAsync();
            await Expect(request.GetByText("claimed by ana")).ToBeVisibleAsync();
            await Screenshots.SaveAsync(page, "help-queue");
            await request.GetByLabel("Answer for the agent").FillAsync(Answer);
            await request.GetByRole(AriaRole.Button, new() { Name = "Send answer" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.List, new() { Name = "Open help requests, longest waiting first" }).Locator(".request").Filter(new() { HasText = "charged twice for March" })).ToHaveCountAsync(0);

            // The simulated agent got the answer through the SDK and tells the caller.
            await page.GotoAsync(href!);
            await Expect(page.Locator(".transcript li[data-kind='line']").Filter(new() { HasText = "Thanks for holding. " + Answer })).ToBeVisibleAsync(new() { Timeout = 60_000 });

            // The answer waits in the knowledge base for review; approved, it leaves the pending list.
            await page.GetByRole(AriaRole.Link, new() { Name = "Knowledge base" }).ClickAsync();
            var entry = page.Locator(".kb-entry").Filter(new() { HasText = Answer });
            await Expect(entry).ToHaveCountAsync(1);
            await Screenshots.SaveAsync(page, "knowledge-base");
            await entry.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
            await Expect(entry).ToHaveCountAsync(0);
            await page.GetByRole(AriaRole.Button, new() { Name = "approved" }).ClickAsync();
            await Expect(page.Locator(".kb-entry").Filter(new() { HasText = Answer })).ToHaveCountAsync(1);
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    /// <summary>Waits for the simulated call on the wallboard, opens it, and waits for its first lines.</summary>
    private static async Task OpenSimulatedCallAsync(IPage page, string run)
    {
        var bubble = page.Locator($".bubble[data-call-id^='SIM-{run}-']");
        await Expect(bubble).ToHaveCountAsync(1, new() { Timeout = 60_000 });
        await bubble.ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status, new() { Name = "Call stream: Live" })).ToBeVisibleAsync();
        await Expect(page.Locator(".transcript li[data-kind='line']").First).ToBeVisibleAsync(new() { Timeout = 30_000 });
    }

    [GeneratedRegex("handed back to the agent")]
    private static partial Regex HandedBack();
}
