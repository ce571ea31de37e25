using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Switchboard.Server.Storage;

namespace Switchboard.Server.LiveKit;

/// <summary>
/// <c>POST /api/v1/livekit/webhook</c> (LIVEKIT.md §5.2): read the raw body; verify the JWT in
/// <c>Authorization</c> (no Bearer prefix; one is tolerated) with the secret of its <c>iss</c>;
/// compare its <c>sha256</c> claim with the body's hash in constant time; only then parse.
/// A refusal is a 4xx, which LiveKit does not retry; a store failure is a 503, which it does.
/// </summary>
public static partial class LiveKitWebhookEndpoint
{
    /// <summary>Largest accepted webhook body.</summary>
    public const int MaxBodyBytes = 1024 * 1024;

    internal static async Task<Results<Ok<WebhookAck>, ProblemHttpResult>> ReceiveAsync(
        HttpContext context,
        IOptions<LiveKitOptions> options,
        LiveKitWebhookHandler handler,
        TimeProvider clock,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger(typeof(LiveKitWebhookEndpoint).FullName!);
        var keys = options.Value.WebhookSecrets();
        if (keys.Count == 0)
        {
            return LiveKitProblems.WebhooksOff();
        }

        var header = context.Request.Headers.Authorization.ToString().Trim();
        if (header.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            header = header["Bearer ".Length..].Trim();
        }

        if (header.Length == 0)
        {
            return Refuse(logger, "no Authorization header");
        }

        var body = await ReadBodyAsync(context.Request, cancellationToken);
        if (body is null)
        {
            Operations.SwitchboardMetrics.Webhook(null, "too_large");
            return TypedResults.Problem(title: "Webhook too large", detail: $"A webhook body may have at most {MaxBodyBytes} bytes.", statusCode: StatusCodes.Status413PayloadTooLarge);
        }

        var verified = LiveKitJwt.Verify(header, keys, clock.GetUtcNow());
        if (!verified.Valid)
        {
            return Refuse(logger, verified.Failure!);
        }

        if (!HashMatches(verified.Claim("sha256"), body))
        {
            return Refuse(logger, "the body does not match the signed sha256");
        }

        LiveKitWebhookEvent webhook;
        try
        {
            using var document = JsonDocument.Parse(body);
            webhook = LiveKitWebhookEvent.Read(new ProtoObject(document.RootElement));
        }
        catch (JsonException)
        {
            Operations.SwitchboardMetrics.Webhook(null, "invalid");
            return TypedResults.Problem(title: "Invalid webhook", detail: "The webhook body is not JSON.", statusCode: StatusCodes.Status400BadRequest);
        }

        // Every webhook has an id (EV_…); should one not, its signed hash stands in.
        var receiptId = webhook.Id.Length > 0 ? webhook.Id : "sha256:" + verified.Claim("sha256");
        try
        {
            var written = await handler.HandleAsync(webhook, receiptId, cancellationToken);
            Operations.SwitchboardMetrics.Webhook(webhook.Event, written is null ? "duplicate" : "applied");
            return TypedResults.Ok(new WebhookAck(webhook.Event, receiptId, written is null, written ?? 0));
        }
        catch (EventStoreUnavailableException)
        {
            Operations.SwitchboardMetrics.Webhook(webhook.Event, "unavailable");
            return TypedResults.Problem(title: "Event log unavailable", detail: "The webhook could not be stored; LiveKit will retry.", statusCode: StatusCodes.Status503ServiceUnavailable);
        }
        catch (InvalidOperationException ex)
        {
            // The webhook maps to an event the log refuses (e.g. an identity over Switchboard's
            // length limit): a 4xx, because a retry would be refused the same way.
            // The exception's text names internal event ids and fields: it goes to the log, and the
            // answer says what happened in words an operator can act on.
            LogUnmappable(logger, webhook.Event, ex.Message);
            Operations.SwitchboardMetrics.Webhook(webhook.Event, "unmappable");
            return TypedResults.Problem(
                title: "Webhook not applicable",
                detail: $"The '{webhook.Event}' webhook maps to an event Switchboard refuses (for example an identity longer than 128 characters); it was not stored, and the server log says which field.",
                statusCode: StatusCodes.Status422UnprocessableEntity);
        }
    }

    private static bool HashMatches(string? claim, byte[] body)
    {
        if (string.IsNullOrEmpty(claim))
        {
            return false;
        }

        var expected = new byte[32];
        if (!Convert.TryFromBase64String(claim, expected, out var length) || length != expected.Length)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(expected, SHA256.HashData(body));
    }

    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static ProblemHttpResult Refuse(ILogger logger, string reason)
    {
        LogRefused(logger, reason);
        Operations.SwitchboardMetrics.Webhook(null, "refused");
        return TypedResults.Problem(title: "Webhook refused", detail: $"The LiveKit webhook was not accepted: {reason}.", statusCode: StatusCodes.Status401Unauthorized);
    }

    [LoggerMessage(EventId = 4203, Level = LogLevel.Warning, Message = "LiveKit webhook refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string reason);

    [LoggerMessage(EventId = 4204, Level = LogLevel.Warning, Message = "LiveKit webhook {Event} could not be written to the event log: {Reason}")]
    private static partial void LogUnmappable(ILogger logger, string @event, string reason);
}

/// <summary>The answer to LiveKit (which ignores it; it helps when testing by hand).</summary>
public sealed record WebhookAck(string Event, string Id, bool Duplicate, int EventsWritten);
