using System.Text.RegularExpressions;
using Switchboard.Dashboard.Tests.Infrastructure;

namespace Switchboard.Dashboard.Tests.Browser;

[Collection(DashboardCollection.Name)]
public sealed partial class FaviconTests(DashboardServer app)
{
    [Fact(Timeout = 60_000)]
    public async Task Favicon_IsLinkedByThePage_AndServed()
    {
        var page = await app.NewPageAsync();
        try
        {
            await page.GotoAsync("/");
            var href = await page.Locator("link[rel='icon']").GetAttributeAsync("href");
            Assert.NotNull(href);
            var icon = await page.APIRequest.GetAsync(href);
            Assert.Equal(200, icon.Status);
            Assert.StartsWith("image/svg+xml", icon.Headers["content-type"], StringComparison.Ordinal);
            Assert.Matches(SvgRoot(), await icon.TextAsync());
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [GeneratedRegex("<svg[^>]*xmlns=\"http://www.w3.org/2000/svg\"")]
    private static partial Regex SvgRoot();
}
