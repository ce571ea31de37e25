using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace Switchboard.Server.Identity;

/// <summary>Records every refused request (401 and 403) in the audit trail, then answers as usual.</summary>
public sealed class AuditingAuthorizationResultHandler(AuditLog audit) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    /// <inheritdoc />
    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Challenged || authorizeResult.Forbidden)
        {
            await audit.RecordAsync(
                Actor.From(context),
                "auth.denied",
                "denied",
                $"{context.Request.Method} {context.Request.Path}",
                detail: new { reason = authorizeResult.Challenged ? "not authenticated" : "not allowed" });
        }

        await _default.HandleAsync(next, context, policy, authorizeResult);
    }
}
