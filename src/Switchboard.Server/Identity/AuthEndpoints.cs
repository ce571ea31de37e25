using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Switchboard.Server.Identity;

/// <summary>Login, logout, the current user, password change and the anti-forgery token.</summary>
public static class AuthEndpoints
{
    /// <summary>Maps <c>/api/v1/auth…</c>.</summary>
    public static IEndpointRouteBuilder MapAuth(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/auth").RequireAuthorization(IdentityExtensions.ViewerPolicy).WithTags("Accounts");
        group.MapPost("/login", LoginAsync).AllowAnonymous().RequireRateLimiting(IdentityExtensions.LoginRateLimit)
            .WithSummary("Sign in; sets the session cookie and returns the anti-forgery token.");
        group.MapPost("/logout", LogoutAsync).WithSummary("End the session.");
        group.MapGet("/me", Me).WithSummary("The signed-in user.");
        group.MapPost("/password", ChangePasswordAsync).WithSummary("Change your password (required after the first login).");
        group.MapGet("/antiforgery", Antiforgery).WithSummary("The token to send in the X-CSRF-TOKEN header of state-changing requests.");
        return app;
    }

    private static async Task<Results<Ok<SessionInfo>, ProblemHttpResult>> LoginAsync(
        LoginRequest request, HttpContext context, UserStore users, AuditLog audit, IAntiforgery antiforgery, TimeProvider clock)
    {
        var user = request.Username is null || request.Password is null ? null : await users.VerifyPasswordAsync(request.Username, request.Password, CancellationToken.None);
        var actor = Actor.From(context) with { Name = request.Username ?? "anonymous" };
        if (user is null)
        {
            await audit.RecordAsync(actor, "auth.login", "failed", request.Username);
            return TypedResults.Problem(title: "Login failed", detail: "Unknown username or wrong password.", statusCode: StatusCodes.Status401Unauthorized);
        }

        context.User = await SignInAsync(context, user, clock);
        await audit.RecordAsync(actor with { Kind = "user", Role = user.Role }, "auth.login", "ok", user.Username);
        return TypedResults.Ok(Describe(user, antiforgery.GetAndStoreTokens(context)));
    }

    private static async Task<NoContent> LogoutAsync(HttpContext context, AuditLog audit)
    {
        await audit.RecordAsync(Actor.From(context), "auth.logout", "ok");
        await context.SignOutAsync(SessionDefaults.Scheme);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<SessionInfo>, ProblemHttpResult>> Me(HttpContext context, UserStore users) =>
        await SessionUserAsync(context, users) is { } user ? TypedResults.Ok(Describe(user, null)) : NotSession();

    private static async Task<Results<Ok<SessionInfo>, ProblemHttpResult>> ChangePasswordAsync(
        ChangePasswordRequest request,
        HttpContext context,
        UserStore users,
        AuditLog audit,
        IAntiforgery antiforgery,
        IOptions<AccountOptions> options,
        TimeProvider clock)
    {
        if (await SessionUserAsync(context, users) is not { } user)
        {
            return NotSession();
        }

        var actor = Actor.From(context);
        if (request.CurrentPassword is null || await users.VerifyPasswordAsync(user.Username, request.CurrentPassword, CancellationToken.None) is null)
        {
            await audit.RecordAsync(actor, "auth.password", "failed", user.Username, detail: new { reason = "current password wrong" });
            return TypedResults.Problem(title: "Wrong password", detail: "The current password is not right.", statusCode: StatusCodes.Status400BadRequest);
        }

        if (PasswordProblem(request.NewPassword, request.CurrentPassword, options.Value) is { } problem)
        {
            await audit.RecordAsync(actor, "auth.password", "invalid", user.Username);
            return TypedResults.Problem(title: "Password not accepted", detail: problem, statusCode: StatusCodes.Status400BadRequest);
        }

        await users.SetPasswordAsync(user.Id, request.NewPassword!, mustChange: false, CancellationToken.None);
        var updated = (await users.FindAsync(user.Id, CancellationToken.None))!;
        context.User = await SignInAsync(context, updated, clock);
        await audit.RecordAsync(actor, "auth.password", "ok", user.Username);
        return TypedResults.Ok(Describe(updated, antiforgery.GetAndStoreTokens(context)));
    }

    private static Results<Ok<AntiforgeryToken>, ProblemHttpResult> Antiforgery(HttpContext context, IAntiforgery antiforgery)
    {
        if (context.User.Identity?.AuthenticationType != SessionDefaults.Scheme)
        {
            return NotSession();
        }

        var tokens = antiforgery.GetAndStoreTokens(context);
        return TypedResults.Ok(new AntiforgeryToken(tokens.HeaderName!, tokens.RequestToken!));
    }

    /// <summary>Why a new password is refused, or null when it is acceptable.</summary>
    internal static string? PasswordProblem(string? password, string? previous, AccountOptions options) =>
        password is null || password.Length < options.MinPasswordLength
            ? $"The new password needs at least {options.MinPasswordLength} characters."
            : password.Length > 256
                ? "The new password may have at most 256 characters."
                : password == previous ? "The new password must differ from the current one." : null;

    private static async Task<ClaimsPrincipal> SignInAsync(HttpContext context, User user, TimeProvider clock)
    {
        List<Claim> claims =
        [
            new(ClaimTypes.NameIdentifier, user.Id),
            new(ClaimTypes.Name, user.Username),
            new(ClaimTypes.Role, user.Role),
            new(SessionDefaults.IssuedClaim, clock.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)),
            new(SessionDefaults.StampClaim, user.SecurityStamp),
        ];
        if (user.MustChangePassword)
        {
            claims.Add(new Claim(SessionDefaults.MustChangePasswordClaim, "true"));
        }

        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SessionDefaults.Scheme));
        await context.SignInAsync(SessionDefaults.Scheme, principal, new AuthenticationProperties { IsPersistent = false });
        return principal;
    }

    private static async ValueTask<User?> SessionUserAsync(HttpContext context, UserStore users) =>
        context.User.Identity?.AuthenticationType == SessionDefaults.Scheme && context.User.FindFirstValue(ClaimTypes.NameIdentifier) is { } id
            ? await users.FindAsync(id, context.RequestAborted)
            : null;

    private static SessionInfo Describe(User user, AntiforgeryTokenSet? tokens) => new(
        user.Id,
        user.Username,
        user.Role,
        user.Skills,
        user.MustChangePassword,
        tokens is null ? null : new AntiforgeryToken(tokens.HeaderName!, tokens.RequestToken!));

    private static ProblemHttpResult NotSession() =>
        TypedResults.Problem(title: "Not a session", detail: "This endpoint is for signed-in users, not API keys.", statusCode: StatusCodes.Status400BadRequest);
}

/// <summary>Body of <c>POST /api/v1/auth/login</c>.</summary>
public sealed record LoginRequest(string? Username, string? Password);

/// <summary>Body of <c>POST /api/v1/auth/password</c>.</summary>
public sealed record ChangePasswordRequest(string? CurrentPassword, string? NewPassword);

/// <summary>The signed-in user, and after login or password change the anti-forgery token.</summary>
public sealed record SessionInfo(string Id, string Username, string Role, IReadOnlyList<string> Skills, bool MustChangePassword, AntiforgeryToken? Antiforgery);

/// <summary>Send <see cref="Token"/> in the header <see cref="HeaderName"/> of every state-changing request.</summary>
public sealed record AntiforgeryToken(string HeaderName, string Token);
