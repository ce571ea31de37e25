using System.Diagnostics;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Switchboard.Contracts.Events;
using Switchboard.Server.Operations;

namespace Switchboard.Server.Outbound;

/// <summary>Sends one signed attempt of one event and says how it went (never throws for the receiver's faults).</summary>
public sealed class WebhookSender(HttpClient http, IOptions<OutboundOptions> options, TimeProvider clock)
{
    /// <summary>The outcome of one attempt.</summary>
    /// <param name="Status">The receiver's status, or null when none came.</param>
    /// <param name="Error">Null when acknowledged (2xx), else why not.</param>
    /// <param name="Duration">How long it took.</param>
    public readonly record struct Outcome(int? Status, string? Error, TimeSpan Duration);

    /// <summary>POSTs the event to the subscription's URL with the Standard Webhooks headers.</summary>
    public async Task<Outcome> SendAsync(OutboundSubscription subscription, StoredEvent e, string deliveryId, int attempt, CancellationToken cancellationToken)
    {
        using var activity = SwitchboardTracing.Source.StartActivity("outbound delivery", ActivityKind.Client);
        activity?.SetTag(SwitchboardTracing.CallIdTag, e.CallId);
        activity?.SetTag("switchboard.subscription_id", subscription.Id);
        activity?.SetTag("switchboard.delivery_id", deliveryId);
        activity?.SetTag("switchboard.seq", e.Seq);
        activity?.SetTag("switchboard.attempt", attempt);
        var body = JsonSerializer.SerializeToUtf8Bytes(new WebhookMessage(e.Type, e.ReceivedAt, subscription.Id, e), ContractJson.Options);
        var now = clock.GetUtcNow();
        var timestamp = now.ToUnixTimeSeconds();
        var signature = WebhookSignature.Sign(WebhookSignature.KeyOf(subscription.Secret), deliveryId, timestamp, body);
        if (subscription.PreviousSecret is { } previous && subscription.PreviousUntil > now)
        {
            signature += " " + WebhookSignature.Sign(WebhookSignature.KeyOf(previous), deliveryId, timestamp, body);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, subscription.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.TryAddWithoutValidation(WebhookSignature.IdHeader, deliveryId);
        request.Headers.TryAddWithoutValidation(WebhookSignature.TimestampHeader, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation(WebhookSignature.SignatureHeader, signature);
        var timeout = TimeSpan.FromSeconds(options.Value.AttemptTimeoutSeconds);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        var started = Stopwatch.GetTimestamp();
        Outcome outcome;
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, limit.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            outcome = new Outcome(status, status is >= 200 and < 300 ? null : $"HTTP {status}", Stopwatch.GetElapsedTime(started));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            outcome = new Outcome(null, $"no answer within {timeout.TotalSeconds:0.#} s", Stopwatch.GetElapsedTime(started));
        }
        catch (HttpRequestException ex)
        {
            var reason = ex.InnerException is SocketException socket ? socket.SocketErrorCode.ToString() : ex.HttpRequestError.ToString();
            outcome = new Outcome(null, "connection failed: " + reason, Stopwatch.GetElapsedTime(started));
        }

        activity?.SetTag("http.response.status_code", outcome.Status);
        if (outcome.Error is not null)
        {
            activity?.SetStatus(ActivityStatusCode.Error, outcome.Error);
        }

        return outcome;
    }
}
