using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace Switchboard.Server.Operations;

/// <summary>Cross-cutting web plumbing: problem details, WebSockets, OpenAPI, auth middleware.</summary>
public static class OperationsExtensions
{
    /// <summary>Registers problem details and the OpenAPI document.</summary>
    public static IHostApplicationBuilder AddOperations(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<OperationsOptions>().BindConfiguration(OperationsOptions.Section)
            .Validate(o => o.TrustedProxies.All(p => System.Net.IPNetwork.TryParse(p, out _) || IPAddress.TryParse(p, out _)), "Operations:TrustedProxies must list IP addresses (10.0.0.5) or networks (10.0.0.0/8).")
            .ValidateOnStart();
        builder.Services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<OperationsOptions>>((forwarded, operations) =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // Only the listed proxies, and only the address the nearest one saw.
            forwarded.KnownIPNetworks.Clear();
            forwarded.KnownProxies.Clear();
            forwarded.ForwardLimit = 1;
            foreach (var proxy in operations.Value.TrustedProxies)
            {
                if (IPAddress.TryParse(proxy, out var address))
                {
                    forwarded.KnownProxies.Add(address);
                }
                else if (System.Net.IPNetwork.TryParse(proxy, out var network))
                {
                    forwarded.KnownIPNetworks.Add(network);
                }
            }
        });
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = RequestProblems.Complete);
        builder.Services.AddExceptionHandler<RequestExceptionHandler>();
        // Binding failures throw, so that the handler can say which field or parameter to fix
        // (otherwise the framework answers a bare 400).
        builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.AddOpenApi();
        builder.Services.ConfigureHttpJsonOptions(o =>
            o.SerializerOptions.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull);
        return builder;
    }

    /// <summary>Adds the middleware in order.</summary>
    public static WebApplication UseOperations(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<OperationsOptions>>().Value.TrustedProxies.Length > 0)
        {
            app.UseForwardedHeaders();
        }

        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(20) });
        app.Use(EndLongRequestsOnShutdown);
        app.UseAuthentication();
        app.UseAuthorization();
        app.Use(EndStreamsOfRevokedCredentials);
        app.MapOpenApi("/openapi/{documentName}.json");
        return app;
    }

    /// <summary>
    /// Event streams and agent sockets are long-lived: their request token also fires when their
    /// credential is revoked (<see cref="Identity.CredentialWatch"/>), so they end within seconds
    /// instead of going on for as long as they are open.
    /// </summary>
    private static async Task EndStreamsOfRevokedCredentials(HttpContext context, RequestDelegate next)
    {
        if (!HttpMethods.IsGet(context.Request.Method)
            || !(context.WebSockets.IsWebSocketRequest || context.Request.Path.Value?.EndsWith("/stream", StringComparison.Ordinal) == true))
        {
            await next(context);
            return;
        }

        using var lease = context.RequestServices.GetRequiredService<Identity.CredentialWatch>().Watch(context.User, out var revoked);
        if (lease is null)
        {
            await next(context);
            return;
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, revoked);
        using var mark = revoked.Register(() => context.Items[RevokedItem] = true);
        context.RequestAborted = linked.Token;
        await next(context);
    }

    /// <summary>Set on a request whose credential was revoked while it ran.</summary>
    public const string RevokedItem = "switchboard.credential-revoked";

    /// <summary>
    /// Streams and agent sockets would otherwise hold a graceful stop for the whole shutdown
    /// timeout: their request token also fires when the application starts stopping, so they end
    /// at once (SSE clients reconnect with Last-Event-ID, agents resend what was not acknowledged).
    /// </summary>
    private static Task EndLongRequestsOnShutdown(HttpContext context, RequestDelegate next)
    {
        if (!HttpMethods.IsGet(context.Request.Method))
        {
            return next(context);
        }

        var stopping = context.RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        context.Response.RegisterForDispose(linked);
        context.RequestAborted = linked.Token;
        return next(context);
    }
}
