using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Switchboard.Server.Identity;
using Switchboard.Server.Storage;

namespace Switchboard.Server.Outbound;

/// <summary>Outbound delivery: its store, its worker, and the admin API of subscriptions. Every change is audited.</summary>
public static class OutboundEndpoints
{
    /// <summary>Registers the subscriptions' store of the configured provider, the sender and the delivery worker.</summary>
    public static IHostApplicationBuilder AddOutbound(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<OutboundOptions>().BindConfiguration(OutboundOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.AddStore<IOutboundRecords, SqliteOutboundRecords, PostgresOutboundRecords>();
        builder.Services.AddSingleton<OutboundCounters>();
        builder.Services.AddSingleton(sp => new WebhookSender(
            new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2), AllowAutoRedirect = false, ConnectTimeout = TimeSpan.FromSeconds(5) })
            {
                Timeout = Timeout.InfiniteTimeSpan, // each attempt has its own limit (Outbound:AttemptTimeoutSeconds)
                DefaultRequestHeaders = { { "User-Agent", "switchboard-outbound/1" } },
            },
            sp.GetRequiredService<IOptions<OutboundOptions>>(),
            sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<OutboundDelivery>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<OutboundDelivery>());
        builder.Services.AddSingleton<OutboundSubscriptions>();
        return builder;
    }

    /// <summary>Maps <c>/api/v1/admin/outbound…</c>.</summary>
    public static IEndpointRouteBuilder MapOutbound(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/admin/outbound/subscriptions").RequireAuthorization(IdentityExtensions.AdminPolicy).WithTags("Outbound");
        group.MapGet("/", ListAsync).WithSummary("Every subscription with how it stands (never the secrets).");
        group.MapPost("/", CreateAsync).WithSummary("Create a subscription; its secret is shown only in this answer.");
        group.MapGet("/{id}", GetAsync).WithSummary("One subscription with how it stands.");
        group.MapPatch("/{id}", UpdateAsync).WithSummary("Change name, URL or filter, or pause and resume.");
        group.MapDelete("/{id}", DeleteAsync).WithSummary("Delete a subscription with its cursors and delivery log.");
        group.MapPost("/{id}/rotate", RotateAsync).WithSummary("Replace the secret; the new one is shown only in this answer and the old one signs beside it for a while.");
        group.MapPost("/{id}/replay", ReplayAsync).WithSummary("Deliver again from a seq of one call or from a time, and resume dead-lettered calls.");
        group.MapGet("/{id}/calls", CallsAsync).WithSummary("The subscription's cursor of each call against the call's last seq.");
        group.MapGet("/{id}/deliveries", DeliveriesAsync).WithSummary("The delivery log: attempts newest first, optionally of one call.");
        return app;
    }

    private static async Task<Ok<IReadOnlyList<SubscriptionView>>> ListAsync(IOutboundRecords records, OutboundSubscriptions subscriptions, CancellationToken cancellationToken)
    {
        var views = new List<SubscriptionView>();
        foreach (var s in await records.ListAsync(cancellationToken))
        {
            views.Add((await subscriptions.DescribeAsync(s, cancellationToken)).View);
        }

        return TypedResults.Ok<IReadOnlyList<SubscriptionView>>(views);
    }

    private static async Task<Results<Created<CreatedSubscription>, ProblemHttpResult>> CreateAsync(
        CreateSubscriptionRequest request, HttpContext context, OutboundSubscriptions subscriptions, AuditLog audit)
    {
        var actor = Actor.From(context);
        try
        {
            var (subscription, secret) = await subscriptions.CreateAsync(request, CancellationToken.None);
            await audit.RecordAsync(actor, "outbound.create", "ok", subscription.Id, subscription.CallId, new { subscription.Name, subscription.Url, subscription.EventTypes });
            var view = (await subscriptions.DescribeAsync(subscription, CancellationToken.None)).View;
            return TypedResults.Created($"/api/v1/admin/outbound/subscriptions/{subscription.Id}", new CreatedSubscription(view, secret));
        }
        catch (InvalidSubscriptionFieldException ex)
        {
            await audit.RecordAsync(actor, "outbound.create", "invalid", request.Name, detail: new { problem = ex.Message });
            return Invalid(ex);
        }
    }

    private static async Task<Results<Ok<SubscriptionView>, ProblemHttpResult>> GetAsync(string id, IOutboundRecords records, OutboundSubscriptions subscriptions, CancellationToken cancellationToken) =>
        await records.FindAsync(id, cancellationToken) is { } s ? TypedResults.Ok((await subscriptions.DescribeAsync(s, cancellationToken)).View) : NotFound(id);

    private static async Task<Results<Ok<SubscriptionView>, ProblemHttpResult>> UpdateAsync(
        string id, UpdateSubscriptionRequest request, HttpContext context, OutboundSubscriptions subscriptions, AuditLog audit)
    {
        var actor = Actor.From(context);
        try
        {
            if (await subscriptions.UpdateAsync(id, request, CancellationToken.None) is not { } changed)
            {
                return NotFound(id);
            }

            await audit.RecordAsync(actor, "outbound.update", "ok", id, detail: request);
            return TypedResults.Ok((await subscriptions.DescribeAsync(changed, CancellationToken.None)).View);
        }
        catch (InvalidSubscriptionFieldException ex)
        {
            await audit.RecordAsync(actor, "outbound.update", "invalid", id, detail: new { problem = ex.Message });
            return Invalid(ex);
        }
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string id, HttpContext context, IOutboundRecords records, AuditLog audit)
    {
        var deleted = await records.DeleteAsync(id, CancellationToken.None);
        await audit.RecordAsync(Actor.From(context), "outbound.delete", deleted ? "ok" : "failed", id);
        return deleted ? TypedResults.NoContent() : NotFound(id);
    }

    private static async Task<Results<Ok<RotatedSecret>, ProblemHttpResult>> RotateAsync(string id, HttpContext context, OutboundSubscriptions subscriptions, AuditLog audit)
    {
        var rotated = await subscriptions.RotateAsync(id, CancellationToken.None);
        await audit.RecordAsync(Actor.From(context), "outbound.rotate", rotated is null ? "failed" : "ok", id);
        return rotated is null ? NotFound(id) : TypedResults.Ok(rotated);
    }

    private static async Task<Results<Ok<ReplayResult>, ProblemHttpResult>> ReplayAsync(string id, ReplayRequest request, HttpContext context, OutboundSubscriptions subscriptions, AuditLog audit)
    {
        var actor = Actor.From(context);
        try
        {
            if (await subscriptions.ReplayAsync(id, request, CancellationToken.None) is not { } result)
            {
                return NotFound(id);
            }

            await audit.RecordAsync(actor, "outbound.replay", "ok", id, request.CallId, new { request.FromSeq, request.From, result.Calls });
            return TypedResults.Ok(result);
        }
        catch (InvalidSubscriptionFieldException ex)
        {
            await audit.RecordAsync(actor, "outbound.replay", "invalid", id, request.CallId, new { problem = ex.Message });
            return Invalid(ex);
        }
    }

    private static async Task<Results<Ok<IReadOnlyList<CallCursorView>>, ProblemHttpResult>> CallsAsync(string id, IOutboundRecords records, OutboundSubscriptions subscriptions, CancellationToken cancellationToken) =>
        await records.FindAsync(id, cancellationToken) is { } s ? TypedResults.Ok((await subscriptions.DescribeAsync(s, cancellationToken)).Calls) : NotFound(id);

    private static async Task<Results<Ok<IReadOnlyList<DeliveryLogEntry>>, ProblemHttpResult>> DeliveriesAsync(
        string id, IOutboundRecords records, CancellationToken cancellationToken, string? callId, long? before, int limit = 100)
    {
        if (limit is < 1 or > 1000)
        {
            return Invalid(new InvalidSubscriptionFieldException("limit", "'limit' must be between 1 and 1000."));
        }

        if (await records.FindAsync(id, cancellationToken) is null)
        {
            return NotFound(id);
        }

        var rows = await records.AttemptsAsync(id, callId, before, limit, cancellationToken);
        return TypedResults.Ok<IReadOnlyList<DeliveryLogEntry>>(rows.Select(r => new DeliveryLogEntry(
            r.Row, r.Attempt.At, r.Attempt.DeliveryId, r.Attempt.CallId, r.Attempt.Seq, r.Attempt.EventType, r.Attempt.Attempt, r.Attempt.Status, r.Attempt.Error, r.Attempt.DurationMs)).ToList());
    }

    private static ProblemHttpResult NotFound(string id) =>
        TypedResults.Problem(title: "No such subscription", detail: $"No outbound subscription has id '{id}'.", statusCode: StatusCodes.Status404NotFound);

    /// <summary>The refusal as a problem: its sentence as the detail, and under <c>errors</c> the field it is about.</summary>
    private static ProblemHttpResult Invalid(InvalidSubscriptionFieldException ex) =>
        TypedResults.Problem(
            title: "Invalid request",
            detail: ex.Message,
            statusCode: StatusCodes.Status400BadRequest,
            extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { [ex.Field] = [ex.Message] } });
}
