using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.Options;
using Switchboard.Server.Storage;

namespace Switchboard.Server.Identity;

/// <summary>Registers authentication (API keys and sessions), the policies, anti-forgery and login throttling.</summary>
public static class IdentityExtensions
{
    /// <summary>Policy: agent API key.</summary>
    public const string AgentPolicy = "agent";

    /// <summary>Policy: read access — a viewer key, or a session of any role.</summary>
    public const string ViewerPolicy = "viewer";

    /// <summary>Policy: interventions, escalations, knowledge base — a supervisor or admin session.</summary>
    public const string SupervisorPolicy = "supervisor";

    /// <summary>Policy: users, keys, audit — an admin session.</summary>
    public const string AdminPolicy = "admin";

    /// <summary>Policy: knowledge-base search — an agent key, or a supervisor or admin session.</summary>
    public const string KnowledgeSearchPolicy = "kb-search";

    /// <summary>Rate-limiter policy of the login endpoint.</summary>
    public const string LoginRateLimit = "login";

    /// <summary>The key ring directory, created readable by the server's own account only.</summary>
    private static DirectoryInfo KeyRing(StorageOptions storage, AccountOptions accounts)
    {
        var path = Path.GetFullPath(accounts.KeyRingDirectory ?? Path.Combine(storage.DataDirectory, "keys"));
        var directory = OperatingSystem.IsWindows()
            ? Directory.CreateDirectory(path)
            : Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return directory;
    }

    /// <summary>Adds authentication, authorisation, anti-forgery, accounts and the audit trail.</summary>
    public static IHostApplicationBuilder AddIdentity(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<AccountOptions>().BindConfiguration(AccountOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.AddStore<IApiKeyRecords, SqliteApiKeyRecords, PostgresApiKeyRecords>()
            .AddStore<IUserRecords, SqliteUserRecords, PostgresUserRecords>()
            .AddStore<IAuditRecords, SqliteAuditRecords, PostgresAuditRecords>()
            .AddStore<ISupervisorPresence, LocalSupervisorPresence, PostgresSupervisorPresence>();
        if (builder.UsesPostgres())
        {
            services.AddSingleton<SupervisorPresenceSync>();
            services.AddHostedService(sp => sp.GetRequiredService<SupervisorPresenceSync>());
        }

        services.AddSingleton<ApiKeyStore>();
        services.AddSingleton<UserStore>();
        services.AddSingleton<AuditLog>();
        services.AddSingleton<AuditRetention>();
        services.AddHostedService(sp => sp.GetRequiredService<AuditRetention>());
        services.AddSingleton<OnlineSupervisors>();
        services.AddSingleton<CredentialWatch>();
        services.AddHostedService(sp => sp.GetRequiredService<CredentialWatch>());
        services.AddSingleton<SessionCookieEvents>();
        services.AddSingleton<BootstrapNotice>();
        services.AddHostedService<AdminBootstrap>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, AuditingAuthorizationResultHandler>();

        // Cookie and anti-forgery keys live with the data, not in the service account's profile.
        services.AddDataProtection().SetApplicationName("Switchboard");
        services.AddOptions<KeyManagementOptions>()
            .Configure<IOptions<StorageOptions>, IOptions<AccountOptions>, ILoggerFactory>((keys, storage, accounts, logs) =>
                keys.XmlRepository = new FileSystemXmlRepository(KeyRing(storage.Value, accounts.Value), logs));

        services.AddAuthentication(SessionDefaults.Selector)
            .AddPolicyScheme(SessionDefaults.Selector, null, o => o.ForwardDefaultSelector = context =>
                context.Request.Headers.Authorization.Count > 0 ? ApiKeyAuthenticationHandler.SchemeName : SessionDefaults.Scheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddCookie(SessionDefaults.Scheme, _ => { });
        services.AddOptions<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions>(SessionDefaults.Scheme)
            .Configure<IOptions<AccountOptions>>((o, accounts) =>
            {
                o.Cookie.Name = accounts.Value.CookieName;
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.Cookie.Path = "/";
                o.ExpireTimeSpan = TimeSpan.FromMinutes(accounts.Value.SessionIdleMinutes);
                o.SlidingExpiration = true;
                o.EventsType = typeof(SessionCookieEvents);
            });

        services.AddAntiforgery(o =>
        {
            o.HeaderName = SessionDefaults.AntiforgeryHeader;
            o.Cookie.Name = "sb_csrf";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });

        services.AddAuthorizationBuilder()
            .AddPolicy(AgentPolicy, p => p.RequireClaim(ApiKeyScopes.Claim, ApiKeyScopes.Agent))
            .AddPolicy(ViewerPolicy, p => p.RequireAssertion(c => c.User.HasClaim(ApiKeyScopes.Claim, ApiKeyScopes.Viewer) || HasRole(c.User, Roles.Viewer)))
            .AddPolicy(SupervisorPolicy, p => p.RequireAssertion(c => HasRole(c.User, Roles.Supervisor)))
            .AddPolicy(AdminPolicy, p => p.RequireAssertion(c => HasRole(c.User, Roles.Admin)))
            .AddPolicy(KnowledgeSearchPolicy, p => p.RequireAssertion(c => c.User.HasClaim(ApiKeyScopes.Claim, ApiKeyScopes.Agent) || HasRole(c.User, Roles.Supervisor)));

        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(LoginRateLimit, context =>
            {
                var permits = context.RequestServices.GetRequiredService<IOptions<AccountOptions>>().Value.LoginPermitsPerMinute;
                return RateLimitPartition.GetFixedWindowLimiter(
                    context.Connection.RemoteIpAddress?.ToString() ?? "local",
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 });
            });
            o.OnRejected = async (context, cancellationToken) =>
            {
                var http = context.HttpContext;
                await http.RequestServices.GetRequiredService<AuditLog>().RecordAsync(Actor.From(http), "auth.login", "throttled", http.Request.Path);
                http.Response.Headers.RetryAfter = "60";
                await SessionCookieEvents.WriteProblemAsync(
                    http,
                    StatusCodes.Status429TooManyRequests,
                    "Too many login attempts",
                    "Wait a minute before trying to sign in again.");
            };
        });
        return builder;
    }

    /// <summary>Adds the login throttle and the session guard (anti-forgery, password change, presence).</summary>
    public static WebApplication UseSessions(this WebApplication app)
    {
        app.UseRateLimiter();
        app.UseMiddleware<SessionGuard>();
        return app;
    }

    /// <summary>True for a session whose role includes <paramref name="role"/>.</summary>
    public static bool HasRole(ClaimsPrincipal user, string role) =>
        user.Identity?.AuthenticationType == SessionDefaults.Scheme && Roles.Includes(user.FindFirstValue(ClaimTypes.Role), role);
}
