using Microsoft.Playwright;

namespace Switchboard.Dashboard.Tests.Infrastructure;

/// <summary>Saves screenshots under artifacts/screenshots of the repository.</summary>
public static class Screenshots
{
    // Finite animations (bubbles moving to their places) have ended; endless ones (a pulse) may run.
    private const string Settled =
        "() => document.getAnimations().every(a => a.effect?.getTiming().iterations === Infinity || a.playState !== 'running')";

    public static string Directory { get; } = Path.Combine(ServerProcess.RepositoryRoot, "artifacts", "screenshots");

    public static async Task SaveAsync(IPage page, string name)
    {
        System.IO.Directory.CreateDirectory(Directory);
        await page.WaitForFunctionAsync(Settled, null, new PageWaitForFunctionOptions { Timeout = 10_000 });
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Directory, name + ".png"), FullPage = false });
    }
}
