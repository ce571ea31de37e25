using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;

namespace Switchboard.Server.Identity;

/// <summary>
/// Middleware for requests made with a session cookie: refuses state-changing requests without
/// a valid anti-forgery token, keeps a user who must change their password to the auth endpoints
/// of the API (the dashboard's own files and pages still load, so it can show the password form),
/// and marks supervisors online while one of their live streams is open.
/// </summary>
public sealed class SessionGuard(RequestDelegate next, IAntiforgery antiforgery, AuditLog audit, OnlineSupervisors online)
{
    /// <summary>Handles a request.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        var user = context.User;
        if (user.Identity is not { IsAuthenticated: true, AuthenticationType: SessionDefaults.Scheme })
        {
            await next(context);
            return;
        }

        var path = context.Request.Path;
        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method)
            && !HttpMethods.IsOptions(context.Request.Method) && !await antiforgery.IsRequestValidAsync(context))
        {
            await audit.RecordAsync(Actor.From(context), "auth.antiforgery", "denied", $"{context.Request.Method} {path}");
            await SessionCookieEvents.WriteProblemAsync(
                context,
                StatusCodes.Status400BadRequest,
                "Anti-forgery token missing or invalid",
                $"Requests made with a session must send the token from GET /api/v1/auth/antiforgery in the '{SessionDefaults.AntiforgeryHeader}' header.");
            return;
        }

        if (user.HasClaim(c => c.Type == SessionDefaults.MustChangePasswordClaim) && IsServerApi(path)
            && !path.StartsWithSegments("/api/v1/auth", StringComparison.OrdinalIgnoreCase))
        {
            await audit.RecordAsync(Actor.From(context), "auth.denied", "denied", $"{context.Request.Method} {path}", detail: new { reason = "password change required" });
            await SessionCookieEvents.WriteProblemAsync(
                context,
                StatusCodes.Status403Forbidden,
                "Password change required",
                "Set a new password with POST /api/v1/auth/password before using the rest of the API.");
            return;
        }

        if (HttpMethods.IsGet(context.Request.Method) && IsLiveStream(path) && Roles.Includes(user.FindFirstValue(ClaimTypes.Role), Roles.Supervisor))
        {
            using var presence = online.Enter(user.FindFirstValue(ClaimTypes.NameIdentifier)!, CallOfStream(path));
            await next(context);
            return;
        }

        await next(context);
    }

    /// <summary>The call id of <c>/api/v1/calls/{id}/stream</c>, else null.</summary>
    private static string? CallOfStream(PathString path) =>
        path.StartsWithSegments("/api/v1/calls", StringComparison.OrdinalIgnoreCase, out var rest)
        && rest.Value!.Split('/', StringSplitOptions.RemoveEmptyEntries) is [var id, "stream"]
            ? Uri.UnescapeDataString(id)
            : null;

    /// <summary>
    /// The server's own routes (the API, metrics, the OpenAPI document). Everything else is the
    /// dashboard: its static files and its client-side routes, which answer with index.html.
    /// </summary>
    private static bool IsServerApi(PathString path) =>
        path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments("/metrics", StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments("/openapi", StringComparison.OrdinalIgnoreCase);

    private static bool IsLiveStream(PathString path) =>
        path.StartsWithSegments("/api/v1", StringComparison.OrdinalIgnoreCase)
        && path.Value!.EndsWith("/stream", StringComparison.OrdinalIgnoreCase);
}
