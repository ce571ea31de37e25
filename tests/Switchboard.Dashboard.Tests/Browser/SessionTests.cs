using Microsoft.Playwright;
using Switchboard.Dashboard.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Switchboard.Dashboard.Tests.Browser;

[Collection(DashboardCollection.Name)]
public sealed class SessionTests(DashboardServer app)
{
    [Fact(Timeout = 120_000)]
    public async Task Login_WithTheRightPassword_OpensTheWallboard_AndLogoutEndsTheSession()
    {
        var page = await app.NewPageAsync();
        try
        {
            await page.GotoAsync("/");
            await page.GetByLabel("Username").FillAsync(DashboardServer.Supervisor);
            await page.GetByLabel("Password").FillAsync("not the password");
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Login failed");
            await Screenshots.SaveAsync(page, "login-failed");

            await page.GetByLabel("Password").FillAsync(DashboardServer.SupervisorPassword);
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Wallboard" })).ToBeVisibleAsync();
            await Expect(page.GetByText("ana · supervisor")).ToBeVisibleAsync();
            await Expect(page.GetByRole(AriaRole.Status, new() { Name = "Wallboard stream: Live" })).ToBeVisibleAsync();

            // The session survives a reload (cookie), and ends with Sign out.
            await page.ReloadAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Wallboard" })).ToBeVisibleAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign in" })).ToBeVisibleAsync();
            await page.ReloadAsync();
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign in" })).ToBeVisibleAsync();
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task Admin_SeesUsersAndKeys_AndCanCreateAKey()
    {
        var page = await app.SignedInPageAsync("admin", DashboardServer.AdminPassword);
        try
        {
            await page.GetByRole(AriaRole.Link, new() { Name = "Admin" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Cell, new() { Name = DashboardServer.Supervisor, Exact = true })).ToBeVisibleAsync();
            var keys = page.GetByRole(AriaRole.Region, new() { Name = "API keys" });
            await keys.GetByLabel("Name").FillAsync("wall-display");
            await keys.GetByLabel("Scope").SelectOptionAsync("viewer");
            await keys.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync();
            var shown = page.GetByTestId("secret");
            await Expect(shown).ToContainTextAsync("API key wall-display (shown once): ");
            var secret = (await shown.InnerTextAsync()).Split("(shown once): ")[1].Trim();

            // The secret shown is a working viewer key.
            using var http = new HttpClient { BaseAddress = app.ServerAddress, Timeout = TimeSpan.FromSeconds(10) };
            http.DefaultRequestHeaders.Authorization = new("Bearer", secret);
            using var response = await http.GetAsync("/api/v1/calls");
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
            await Expect(keys.GetByRole(AriaRole.Cell, new() { Name = "wall-display" })).ToBeVisibleAsync();
            await Screenshots.SaveAsync(page, "admin");
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }
}
