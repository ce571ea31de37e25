using Microsoft.AspNetCore.Authentication;

namespace Switchboard.Server.Identity;

/// <summary>Registers authentication and the scope policies.</summary>
public static class IdentityExtensions
{
    /// <summary>Policy: agent API key.</summary>
    public const string AgentPolicy = "agent";

    /// <summary>Policy: read access.</summary>
    public const string ViewerPolicy = "viewer";

    /// <summary>Adds API-key authentication and the <see cref="AgentPolicy"/> and <see cref="ViewerPolicy"/> policies.</summary>
    public static IHostApplicationBuilder AddIdentity(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ApiKeyStore>();
        builder.Services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(AgentPolicy, p => p.RequireClaim(ApiKeyScopes.Claim, ApiKeyScopes.Agent))
            .AddPolicy(ViewerPolicy, p => p.RequireClaim(ApiKeyScopes.Claim, ApiKeyScopes.Viewer));
        return builder;
    }
}
