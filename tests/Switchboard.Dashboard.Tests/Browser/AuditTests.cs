using System.Net.Http.Json;
using Microsoft.Playwright;
using Switchboard.Dashboard.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Switchboard.Dashboard.Tests.Browser;

[Collection(DashboardCollection.Name)]
public sealed class AuditTests(DashboardServer app)
{
    [Fact(Timeout = 120_000)]
    public async Task AuditLog_ShowsRecordsNewestFirst_FilteredByActorAndAction_AndPagesToOlderOnes()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(110));
        // 30 refused logins of one unknown name: 30 records of one actor, more than a page.
        var ghost = "ghost" + Guid.NewGuid().ToString("N")[..6];
        using (var http = new HttpClient { BaseAddress = app.ServerAddress, Timeout = TimeSpan.FromSeconds(10) })
        {
            for (var i = 0; i < 30; i++)
            {
                using var refused = await http.PostAsJsonAsync("/api/v1/auth/login", new { username = ghost, password = "wrong password " + i }, cts.Token);
                Assert.Equal(System.Net.HttpStatusCode.Unauthorized, refused.StatusCode);
            }
        }

        var page = await app.SignedInPageAsync("admin", DashboardServer.AdminPassword);
        try
        {
            await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Audit" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Audit log" })).ToBeVisibleAsync();
            var rows = page.Locator("table.audit tbody tr");
            await Expect(rows.First).ToBeVisibleAsync();
            await Screenshots.SaveAsync(page, "audit-log");

            var filters = page.GetByRole(AriaRole.Search, new() { Name = "Filter the audit log" });
            await filters.GetByLabel("Actor").FillAsync(ghost);
            await filters.GetByLabel("Action").FillAsync("auth.*");
            await filters.GetByLabel("Outcome").SelectOptionAsync("failed");
            await filters.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
            await Expect(rows.Filter(new() { HasNotText = ghost })).ToHaveCountAsync(0);
            await Expect(rows).ToHaveCountAsync(25);
            foreach (var cells in await rows.EvaluateAllAsync<string[][]>("trs => trs.map(tr => [...tr.cells].map(c => c.innerText))"))
            {
                Assert.Equal((ghost, "auth.login", "failed"), (cells[1], cells[2], cells[3]));
            }

            var first = await Ids(rows);
            Assert.Equal(first.OrderDescending(), first);

            await page.GetByRole(AriaRole.Button, new() { Name = "Older" }).ClickAsync();
            await Expect(page.GetByText("5 records, page 2")).ToBeVisibleAsync();
            await Expect(rows).ToHaveCountAsync(5);
            var older = await Ids(rows);
            Assert.True(older.Max() < first.Min(), "the older page repeats records of the first");
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Older" })).ToBeDisabledAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Newest" }).ClickAsync();
            await Expect(rows).ToHaveCountAsync(25);
        }
        finally
        {
            await page.Context.CloseAsync();
        }

        static async Task<long[]> Ids(ILocator rows) => await rows.EvaluateAllAsync<long[]>("trs => trs.map(tr => Number(tr.dataset.id))");
    }
}
