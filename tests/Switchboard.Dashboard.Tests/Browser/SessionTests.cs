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

    [Fact(Timeout = 120_000)]
    public async Task Reload_WhileAPasswordChangeIsPending_ShowsThePasswordFormAgain()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(110));
        var user = await app.CreateUserAsync("newbie" + Guid.NewGuid().ToString("N")[..6], "supervisor", "first-password-given", mustChangePassword: true, cts.Token);
        var page = await app.NewPageAsync();
        try
        {
            await page.GotoAsync("/");
            await page.GetByLabel("Username").FillAsync(user);
            await page.GetByLabel("Password").FillAsync("first-password-given");
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            var form = page.GetByRole(AriaRole.Heading, new() { Name = "Choose a new password" });
            await Expect(form).ToBeVisibleAsync();

            // A reload (of the page or of a deep link) loads the app again, which shows the form again.
            await page.ReloadAsync();
            await Expect(form).ToBeVisibleAsync();
            await page.GotoAsync("/calls/anything");
            await Expect(form).ToBeVisibleAsync();
            await Screenshots.SaveAsync(page, "password-change");

            await page.GetByLabel("Current password", new() { Exact = true }).FillAsync("first-password-given");
            await page.GetByLabel("New password", new() { Exact = true }).FillAsync("a-password-of-my-own");
            await page.GetByRole(AriaRole.Button, new() { Name = "Save password" }).ClickAsync();

            // Then the page that was asked for opens (a call that does not exist, here).
            await Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "Main" })).ToBeVisibleAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "No such call" })).ToBeVisibleAsync();
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task Supervisor_IsNotOfferedTheAdminPages_AndOpeningOneSaysAdminsOnly()
    {
        var page = await app.SignedInPageAsync();
        try
        {
            var nav = page.GetByRole(AriaRole.Navigation, new() { Name = "Main" });
            await Expect(nav.GetByRole(AriaRole.Link, new() { Name = "Help queue" })).ToBeVisibleAsync();
            await Expect(nav.GetByRole(AriaRole.Link, new() { Name = "Admin" })).ToHaveCountAsync(0);
            await Expect(nav.GetByRole(AriaRole.Link, new() { Name = "Audit" })).ToHaveCountAsync(0);
            await Expect(nav.GetByRole(AriaRole.Link, new() { Name = "Webhooks" })).ToHaveCountAsync(0);

            foreach (var path in new[] { "/admin", "/admin/audit", "/admin/outbound" })
            {
                await page.GotoAsync(path);
                await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Admins only" })).ToBeVisibleAsync();
                await Expect(page.GetByText("Forbidden")).ToHaveCountAsync(0);
                await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Create user" })).ToHaveCountAsync(0);
                await Expect(page.GetByRole(AriaRole.Table)).ToHaveCountAsync(0);
            }

            await Screenshots.SaveAsync(page, "admins-only");
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task Admin_ARefusalSaysWhatToFix_AndReplacesTheSuccessBanner()
    {
        var page = await app.SignedInPageAsync("admin", DashboardServer.AdminPassword);
        try
        {
            await page.GetByRole(AriaRole.Link, new() { Name = "Admin" }).ClickAsync();
            var keys = page.GetByRole(AriaRole.Region, new() { Name = "API keys" });
            await keys.GetByLabel("Name").FillAsync("banner-test");
            await keys.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync();
            var secret = page.GetByTestId("secret");
            await Expect(secret).ToContainTextAsync("API key banner-test (shown once): ");

            var users = page.GetByRole(AriaRole.Region, new() { Name = "Users" });
            await users.GetByLabel("Username").FillAsync("has space");
            await users.GetByRole(AriaRole.Button, new() { Name = "Create user" }).ClickAsync();
            var alert = page.GetByRole(AriaRole.Alert);
            await Expect(alert).ToContainTextAsync("The username must be 1 to 64 characters without spaces.");
            await Expect(alert).Not.ToContainTextAsync("Parameter");
            await Expect(secret).ToHaveCountAsync(0);
            await Screenshots.SaveAsync(page, "admin-refusal");

            // A success afterwards replaces the refusal.
            await users.GetByLabel("Username").FillAsync("fixed" + Guid.NewGuid().ToString("N")[..6]);
            await users.GetByRole(AriaRole.Button, new() { Name = "Create user" }).ClickAsync();
            await Expect(secret).ToContainTextAsync("(shown once)");
            await Expect(page.GetByRole(AriaRole.Alert)).ToHaveCountAsync(0);
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }
}
