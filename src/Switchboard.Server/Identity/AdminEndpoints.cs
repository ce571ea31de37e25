using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Switchboard.Server.Identity;

/// <summary>Admin APIs: users, API keys and the audit trail. Every change is audited.</summary>
public static class AdminEndpoints
{
    /// <summary>Maps <c>/api/v1/admin…</c>.</summary>
    public static IEndpointRouteBuilder MapAdmin(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/admin").RequireAuthorization(IdentityExtensions.AdminPolicy).WithTags("Admin");
        group.MapGet("/users", async (UserStore users, CancellationToken cancellationToken) => TypedResults.Ok(await users.ListAsync(cancellationToken))).WithSummary("Every account.");
        group.MapPost("/users", CreateUser).WithSummary("Create an account; without a password one is generated and shown once.");
        group.MapPatch("/users/{id}", UpdateUser).WithSummary("Change role, skills or disabled status.");
        group.MapPost("/users/{id}/password", ResetPassword).WithSummary("Reset a password; the user must change it at next login.");
        group.MapGet("/keys", async (ApiKeyStore keys, CancellationToken cancellationToken) => TypedResults.Ok(await keys.ListAsync(cancellationToken))).WithSummary("Every API key (never the secrets).");
        group.MapPost("/keys", CreateKey).WithSummary("Create an API key; the secret is shown only in this answer.");
        group.MapDelete("/keys/{id}", RevokeKey).WithSummary("Revoke an API key.");
        group.MapGet("/audit", AuditAsync).WithSummary("The audit trail, newest first, filtered by actor, action (* wildcard), outcome, call and time.");
        return app;
    }

    private static async Task<Results<Created<CreatedUser>, ProblemHttpResult>> CreateUser(
        CreateUserRequest request, HttpContext context, UserStore users, AuditLog audit, IOptions<AccountOptions> options)
    {
        var actor = Actor.From(context);
        var generated = request.Password is null;
        var password = request.Password ?? Convert.ToBase64String(RandomNumberGenerator.GetBytes(15)).Replace('+', '-').Replace('/', '_');
        if (AuthEndpoints.PasswordProblem(password, null, options.Value) is { } problem)
        {
            await audit.RecordAsync(actor, "user.create", "invalid", request.Username, detail: new { problem });
            return Invalid(problem);
        }

        try
        {
            var user = await users.CreateAsync(request.Username ?? "", password, request.Role ?? Roles.Viewer, request.Skills, mustChangePassword: generated || request.MustChangePassword == true, CancellationToken.None);
            await audit.RecordAsync(actor, "user.create", "ok", user.Username, detail: new { user.Role, user.Skills });
            return TypedResults.Created($"/api/v1/admin/users/{user.Id}", new CreatedUser(user, generated ? password : null));
        }
        catch (InvalidAccountFieldException ex)
        {
            await audit.RecordAsync(actor, "user.create", "invalid", request.Username, detail: new { problem = ex.Message });
            return Invalid(ex);
        }
    }

    private static async Task<Results<Ok<User>, ProblemHttpResult>> UpdateUser(string id, UpdateUserRequest request, HttpContext context, UserStore users, AuditLog audit)
    {
        var actor = Actor.From(context);
        if (id == actor.Id && (request.Disabled == true || (request.Role is not null && request.Role != Roles.Admin)))
        {
            return Invalid("You cannot disable yourself or take away your own admin role; ask another admin.");
        }

        try
        {
            var user = await users.UpdateAsync(id, request.Role, request.Skills, request.Disabled, CancellationToken.None);
            if (user is null)
            {
                return TypedResults.Problem(title: "No such user", detail: $"No account has id '{id}'.", statusCode: StatusCodes.Status404NotFound);
            }

            await audit.RecordAsync(actor, "user.update", "ok", user.Username, detail: request);
            return TypedResults.Ok(user);
        }
        catch (InvalidAccountFieldException ex)
        {
            return Invalid(ex);
        }
    }

    private static async Task<Results<Ok<CreatedUser>, ProblemHttpResult>> ResetPassword(
        string id, ResetPasswordRequest? request, HttpContext context, UserStore users, AuditLog audit, IOptions<AccountOptions> options)
    {
        if (await users.FindAsync(id, context.RequestAborted) is not { } user)
        {
            return TypedResults.Problem(title: "No such user", detail: $"No account has id '{id}'.", statusCode: StatusCodes.Status404NotFound);
        }

        var password = request?.Password ?? Convert.ToBase64String(RandomNumberGenerator.GetBytes(15)).Replace('+', '-').Replace('/', '_');
        if (AuthEndpoints.PasswordProblem(password, null, options.Value) is { } problem)
        {
            return Invalid(problem);
        }

        await users.SetPasswordAsync(id, password, mustChange: true, CancellationToken.None);
        await audit.RecordAsync(Actor.From(context), "user.password_reset", "ok", user.Username);
        return TypedResults.Ok(new CreatedUser((await users.FindAsync(id, CancellationToken.None))!, request?.Password is null ? password : null));
    }

    private static async Task<Results<Created<CreatedKey>, ProblemHttpResult>> CreateKey(CreateKeyRequest request, HttpContext context, ApiKeyStore keys, AuditLog audit)
    {
        var actor = Actor.From(context);
        try
        {
            var (key, secret) = await keys.CreateAsync(request.Name ?? "", request.Scope ?? "", context.RequestAborted);
            await audit.RecordAsync(actor, "key.create", "ok", key.Id, detail: new { key.Name, key.Scope });
            return TypedResults.Created($"/api/v1/admin/keys/{key.Id}", new CreatedKey(key, secret));
        }
        catch (InvalidAccountFieldException ex)
        {
            await audit.RecordAsync(actor, "key.create", "invalid", request.Name, detail: new { problem = ex.Message });
            return Invalid(ex);
        }
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeKey(string id, HttpContext context, ApiKeyStore keys, AuditLog audit)
    {
        // A revocation is carried out even if the admin's connection drops meanwhile.
        var revoked = await keys.RevokeAsync(id, CancellationToken.None);
        await audit.RecordAsync(Actor.From(context), "key.revoke", revoked ? "ok" : "failed", id);
        return revoked
            ? TypedResults.NoContent()
            : TypedResults.Problem(title: "No such key", detail: $"No active API key has id '{id}'.", statusCode: StatusCodes.Status404NotFound);
    }

    private static async Task<Results<Ok<IReadOnlyList<AuditEntry>>, ProblemHttpResult>> AuditAsync(
        AuditLog audit,
        CancellationToken cancellationToken,
        string? actor,
        string? action,
        string? outcome,
        string? callId,
        DateTimeOffset? from,
        DateTimeOffset? to,
        long? before,
        int limit = 100)
    {
        if (limit is < 1 or > 1000)
        {
            return Invalid("'limit' must be between 1 and 1000.");
        }

        return TypedResults.Ok(await audit.QueryAsync(new AuditQuery(actor, action, outcome, callId, from, to, before, limit), cancellationToken));
    }

    private static ProblemHttpResult Invalid(string detail) =>
        TypedResults.Problem(title: "Invalid request", detail: detail, statusCode: StatusCodes.Status400BadRequest);

    /// <summary>The refusal as a problem: its sentence as the detail, and under <c>errors</c> the field it is about.</summary>
    private static ProblemHttpResult Invalid(InvalidAccountFieldException ex) =>
        TypedResults.Problem(
            title: "Invalid request",
            detail: ex.Message,
            statusCode: StatusCodes.Status400BadRequest,
            extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { [ex.Field] = [ex.Message] } });
}

/// <summary>Body of <c>POST /api/v1/admin/users</c>.</summary>
public sealed record CreateUserRequest(string? Username, string? Password, string? Role, IReadOnlyList<string>? Skills, bool? MustChangePassword);

/// <summary>Body of <c>PATCH /api/v1/admin/users/{id}</c>; absent fields stay as they are.</summary>
public sealed record UpdateUserRequest(string? Role, IReadOnlyList<string>? Skills, bool? Disabled);

/// <summary>Body of <c>POST /api/v1/admin/users/{id}/password</c>; without a password one is generated.</summary>
public sealed record ResetPasswordRequest(string? Password);

/// <summary>Body of <c>POST /api/v1/admin/keys</c>.</summary>
public sealed record CreateKeyRequest(string? Name, string? Scope);

/// <summary>A created or reset account; <see cref="Password"/> only when the server generated it.</summary>
public sealed record CreatedUser(User User, string? Password);

/// <summary>A created key with its secret, shown only this once.</summary>
public sealed record CreatedKey(ApiKey Key, string Secret);
