using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace Switchboard.Server.Dashboard;

/// <summary>Serves the supervisor dashboard: its static files, and index.html for its client-side routes.</summary>
public static class DashboardEndpoints
{
    // Client-side routes are every path but the server's own: those answer 404 from the server
    // when unknown, never with the app's page.
    private const string ClientRoute = "{*path:nonfile:regex(^(?!(api|healthz|readyz|metrics|openapi)(/|$)).*$)}";

    /// <summary>Adds the static files and the client-side routing fallback; call after the other maps.</summary>
    public static WebApplication MapDashboard(this WebApplication app)
    {
        // The build copies the dashboard next to the server's assembly, so it is found whatever
        // the working directory; the content root's wwwroot is the fallback (publish layouts).
        var built = Path.Combine(AppContext.BaseDirectory, "wwwroot");
        var files = Directory.Exists(built) ? new PhysicalFileProvider(built) : app.Environment.WebRootFileProvider;
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            OnPrepareResponse = context =>
            {
                // Vite names assets by content hash; index.html must always be revalidated.
                context.Context.Response.Headers[HeaderNames.CacheControl] =
                    context.Context.Request.Path.StartsWithSegments("/assets") ? "public, max-age=31536000, immutable" : "no-cache";
            },
        });
        var page = new StaticFileOptions
        {
            FileProvider = files,
            OnPrepareResponse = context => context.Context.Response.Headers[HeaderNames.CacheControl] = "no-cache",
        };
        app.MapFallbackToFile("/", "index.html", page).ExcludeFromDescription();
        app.MapFallbackToFile(ClientRoute, "index.html", page).ExcludeFromDescription();
        return app;
    }
}
