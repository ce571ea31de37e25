using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Switchboard.Server.Identity;
using Switchboard.Server.LiveKit.Egress;
using Switchboard.Server.Storage;

namespace Switchboard.Server.LiveKit;

/// <summary>The LiveKit bridge: tokens, the server API, verified webhooks, the reconciler and per-call recordings.</summary>
public static class LiveKitEndpoints
{
    /// <summary>Registers the bridge. Without configuration it is off and says so once at start-up.</summary>
    public static IHostApplicationBuilder AddLiveKit(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<LiveKitOptions>().BindConfiguration(LiveKitOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<LiveKitOptions>, LiveKitOptionsValidator>();
        builder.Services.AddHttpClient<TwirpClient>(http =>
        {
            // Each attempt has its own time limit (LiveKit:RequestTimeoutSeconds, SipTimeoutSeconds).
            http.Timeout = Timeout.InfiniteTimeSpan;
            http.DefaultRequestHeaders.UserAgent.ParseAdd("switchboard-livekit-bridge/1");
        });
        builder.Services.AddSingleton<LiveKitTokens>();
        builder.Services.AddSingleton<LiveKitServerApi>();
        builder.Services.AddSingleton<AgentTracks>();
        builder.Services.AddSingleton<LiveKitRoomControl>();
        builder.AddStore<IWebhookReceipts, SqliteWebhookReceipts, PostgresWebhookReceipts>();
        builder.Services.AddSingleton<LiveKitWebhookHandler>();
        builder.Services.AddSingleton<LiveKitReconciler>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<LiveKitReconciler>());
        builder.Services.AddRecordings();
        return builder;
    }

    /// <summary>Maps <c>/api/v1/livekit…</c>: the webhook receiver (authenticated by LiveKit's signature) and the bridge status.</summary>
    public static IEndpointRouteBuilder MapLiveKit(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/livekit").WithTags("LiveKit");
        group.MapPost("/webhook", LiveKitWebhookEndpoint.ReceiveAsync)
            .AllowAnonymous()
            .DisableAntiforgery()
            .WithSummary("LiveKit webhooks: the raw body is verified against the signed sha256 claim of the Authorization token.");
        group.MapGet("/status", Status)
            .RequireAuthorization(IdentityExtensions.ViewerPolicy)
            .WithSummary("Whether the server API and webhooks are configured.");
        app.MapRecordings();
        return app;
    }

    private static Results<Ok<LiveKitStatus>, ProblemHttpResult> Status(IOptions<LiveKitOptions> options)
    {
        var o = options.Value;
        if (!o.ApiConfigured && o.WebhookSecrets().Count == 0)
        {
            return LiveKitProblems.From(new LiveKitNotConfiguredException());
        }

        return TypedResults.Ok(new LiveKitStatus(
            o.ApiConfigured,
            o.ApiConfigured ? o.ApiBaseAddress().ToString() : null,
            [.. o.WebhookSecrets().Keys],
            o.ReconcileIntervalSeconds));
    }
}

/// <summary>The bridge's configuration as operators may see it (never a secret).</summary>
public sealed record LiveKitStatus(bool ServerApi, string? Url, IReadOnlyList<string> WebhookKeys, double ReconcileIntervalSeconds);
