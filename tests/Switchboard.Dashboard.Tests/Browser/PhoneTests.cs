using Microsoft.Playwright;
using Switchboard.Dashboard.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Switchboard.Dashboard.Tests.Browser;

/// <summary>The dashboard on a phone-sized screen (390×844): nothing off screen, every view reachable and usable.</summary>
[Collection(DashboardCollection.Name)]
public sealed class PhoneTests(DashboardServer app)
{
    private const int Width = 390;

    [Fact(Timeout = 150_000)]
    public async Task OnAPhone_TheNavigationIsReachable_AndTheWallboardAndCallRoomAreUsable()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(140));
        using var agent = app.NewAgent();
        var prefix = "phone" + Guid.NewGuid().ToString("N")[..6];
        var ids = Enumerable.Range(0, 6).Select(i => $"{prefix}-{i}").ToList();
        foreach (var id in ids)
        {
            await agent.StartAsync(id, "Sam Okafor", "support", cts.Token);
            await agent.LineAsync(id, "customer", "My internet is down again since this morning.", cts.Token);
            await agent.LineAsync(id, "agent", "I am sorry to hear that; let me run a line test for you.", cts.Token);
        }

        var page = await app.SignedInPageAsync(phone: true);
        try
        {
            await AssertNothingOffScreenAsync(page);
            var nav = page.GetByRole(AriaRole.Navigation, new() { Name = "Main" });
            foreach (var name in new[] { "Wallboard", "Help queue", "Knowledge base" })
            {
                await AssertOnScreenAsync(nav.GetByRole(AriaRole.Link, new() { Name = name }));
            }

            await AssertOnScreenAsync(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }));

            // The wallboard: the calls on screen, large enough to tap.
            var bubbles = page.Locator($".bubble[data-call-id^='{prefix}-']");
            await Expect(bubbles).ToHaveCountAsync(ids.Count);
            foreach (var box in await bubbles.EvaluateAllAsync<double[][]>("els => els.map(e => { const r = e.getBoundingClientRect(); return [r.x, r.width]; })"))
            {
                Assert.True(box[0] >= 0 && box[0] + box[1] <= Width, $"a bubble lies off screen at x={box[0]}, width {box[1]}");
                Assert.True(box[1] >= 28, $"a bubble is too small to read or tap: {box[1]} px");
            }

            await Screenshots.SaveAsync(page, "phone-wallboard");
            await page.GetByRole(AriaRole.Button, new() { Name = "Cards" }).ClickAsync();
            await Expect(page.Locator($"[data-call-id^='{prefix}-']")).ToHaveCountAsync(ids.Count);
            await AssertNothingOffScreenAsync(page);
            await Screenshots.SaveAsync(page, "phone-wallboard-cards");

            // The call room: heading, transcript and controls, one below the other.
            await page.Locator($"[data-call-id='{ids[0]}'] a").First.TapAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("Sam Okafor");
            await Expect(page.Locator(".transcript li[data-kind='line']")).ToHaveCountAsync(2);
            await AssertOnScreenAsync(page.Locator(".transcript li[data-kind='line']").Last);
            await AssertNothingOffScreenAsync(page);
            await Screenshots.SaveAsync(page, "phone-call-room");
            var guide = page.GetByLabel("Guide the agent");
            await ScrollToAsync(guide);
            await AssertOnScreenAsync(guide);
            await guide.FillAsync("Offer a technician visit tomorrow.");
            var send = page.GetByRole(AriaRole.Button, new() { Name = "Send guidance" });
            await ScrollToAsync(send);
            await AssertOnScreenAsync(send);
            await send.TapAsync();
            await Expect(page.Locator(".transcript li[data-kind='guidance']")).ToContainTextAsync("Offer a technician visit tomorrow.");
            var takeOver = page.GetByRole(AriaRole.Button, new() { Name = "Take over" });
            await ScrollToAsync(takeOver);
            await AssertOnScreenAsync(takeOver);

            // The other views fit too.
            foreach (var name in new[] { "Help queue", "Knowledge base" })
            {
                await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = name }).TapAsync();
                await Expect(page.GetByRole(AriaRole.Heading, new() { Name = name })).ToBeVisibleAsync();
                await AssertNothingOffScreenAsync(page);
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

    [Fact(Timeout = 90_000)]
    public async Task OnAPhone_TheAdminPagesFitTheScreen()
    {
        var page = await app.SignedInPageAsync("admin", DashboardServer.AdminPassword, phone: true);
        try
        {
            foreach (var (name, heading) in new[] { ("Admin", "Admin"), ("Audit", "Audit log") })
            {
                await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = name, Exact = true }).TapAsync();
                await Expect(page.GetByRole(AriaRole.Heading, new() { Name = heading, Exact = true })).ToBeVisibleAsync();
                await AssertNothingOffScreenAsync(page);
            }

            await Screenshots.SaveAsync(page, "phone-audit-log");
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    /// <summary>The page does not scroll sideways: nothing sticks out to the right of the screen.</summary>
    private static async Task AssertNothingOffScreenAsync(IPage page)
    {
        await page.WaitForLoadStateAsync(LoadState.DOMContentLoaded);
        var wide = await page.EvaluateAsync<double>("() => document.documentElement.scrollWidth");
        Assert.True(wide <= Width, $"the page is {wide} px wide on a {Width} px screen, so part of it is off screen");
    }

    /// <summary>Scrolls the page until the element is wholly on screen, as a user would (an element partly in view is not scrolled by Playwright's own "if needed").</summary>
    private static Task ScrollToAsync(ILocator element) => element.EvaluateAsync("e => e.scrollIntoView({ block: 'center', inline: 'nearest' })");

    private static async Task AssertOnScreenAsync(ILocator element)
    {
        await Expect(element).ToBeVisibleAsync();
        await Expect(element).ToBeInViewportAsync(new() { Ratio = 1 });
        var box = await element.BoundingBoxAsync();
        Assert.NotNull(box);
        Assert.True(box.X >= 0 && box.X + box.Width <= Width, $"an element lies off screen: x={box.X}, width {box.Width}");
    }
}
