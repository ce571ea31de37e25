using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Playwright;
using Switchboard.Dashboard.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Switchboard.Dashboard.Tests.Browser;

[Collection(DashboardCollection.Name)]
public sealed class OutboundPageTests(DashboardServer app)
{
    [Fact(Timeout = 120_000)]
    public async Task Admin_CreatesASubscription_SeesItDeliver_RotatesItsSecret_AndDeletesIt()
    {
        string? secret = null;
        await using var receiver = await WebhookReceiverDouble.StartAsync((id, timestamp, body, signature) => secret is not null && Signed(secret, id, timestamp, body, signature));
        var page = await app.SignedInPageAsync("admin", DashboardServer.AdminPassword);
        try
        {
            await page.GetByRole(AriaRole.Link, new() { Name = "Webhooks" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Outbound webhooks" })).ToBeVisibleAsync();
            await page.GetByLabel("Name").FillAsync("crm-page");
            await page.GetByLabel("URL").FillAsync(receiver.Url.ToString());
            await page.GetByLabel("Event types").FillAsync("transcript.*");
            await page.GetByRole(AriaRole.Button, new() { Name = "Create subscription" }).ClickAsync();
            var shown = page.GetByTestId("secret");
            await Expect(shown).ToContainTextAsync("Signing secret of crm-page (shown once): whsec_");
            secret = (await shown.InnerTextAsync()).Split("(shown once): ")[1].Trim();

            using var agent = new HttpClient { BaseAddress = app.ServerAddress, Timeout = TimeSpan.FromSeconds(10) };
            agent.DefaultRequestHeaders.Authorization = new("Bearer", app.AgentKey);
            var at = DateTimeOffset.UtcNow.ToString("O");
            using var posted = await agent.PostAsJsonAsync("/api/v1/events", new
            {
                events = new object[]
                {
                    new { id = "s", callId = "OUT_PAGE", type = "call.started", at, data = new { agentName = "page" } },
                    new { id = "l", callId = "OUT_PAGE", type = "transcript.final", at, data = new { speaker = "customer", segmentId = "l", text = "hello" } },
                },
            });
            posted.EnsureSuccessStatusCode();
            await receiver.WaitUntilAsync(r => r.Any(x => x is { CallId: "OUT_PAGE", Answered: 204 }), TimeSpan.FromSeconds(30));
            Assert.All(receiver.Received, r => Assert.True(r.SignatureValid));
            Assert.Equal(["transcript.final"], receiver.Received.Select(r => r.Type).Distinct().ToList());

            var row = page.GetByTestId("subscription-crm-page");
            await Expect(row.GetByTestId("state")).ToHaveTextAsync("delivering");
            await row.GetByRole(AriaRole.Button, new() { Name = "crm-page" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Region, new() { Name = "Delivery log" }).GetByText(receiver.Received[0].DeliveryId)).ToBeVisibleAsync();
            await Screenshots.SaveAsync(page, "outbound");

            await row.GetByRole(AriaRole.Button, new() { Name = "Rotate secret" }).ClickAsync();
            await Expect(shown).ToContainTextAsync("New signing secret of crm-page (shown once;");
            Assert.DoesNotContain(secret, await shown.InnerTextAsync(), StringComparison.Ordinal);

            await row.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
            await Expect(row).ToHaveCountAsync(0);
            await Expect(page.GetByTestId("notice")).ToContainTextAsync("crm-page is deleted");
            // A moment later, once the page has read its lists again, the banner still says what
            // was done: the deleted subscription's calls and log are not asked for (that read
            // failed and replaced the banner with "could not be read").
            await page.WaitForTimeoutAsync(1500);
            await Expect(page.GetByRole(AriaRole.Alert)).ToHaveCountAsync(0);
            await Expect(page.GetByTestId("notice")).ToContainTextAsync("crm-page is deleted");
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    /// <summary>The Standard Webhooks check, as docs/OUTBOUND.md describes it, written here independently of the server's code.</summary>
    private static bool Signed(string secret, string id, string timestamp, byte[] body, string signatures)
    {
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        var expected = "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{id}.{timestamp}.").Concat(body).ToArray()));
        return signatures.Split(' ').Any(s => CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(s), Encoding.ASCII.GetBytes(expected)));
    }
}
