using System.Net.Http.Json;
using System.Text.Json;
using Switchboard.Server.Outbound;

namespace Switchboard.Server.Tests.Infrastructure;

/// <summary>Subscribing a receiver double and checking what it received.</summary>
public static class OutboundReceiving
{
    /// <summary>A receiver double that verifies with <see cref="WebhookSignature.Verify"/> once the test gives it the secret.</summary>
    public static async Task<(WebhookReceiverDouble Receiver, Func<string?, string?> SetSecret)> StartReceiverAsync()
    {
        string? secret = null;
        var receiver = await WebhookReceiverDouble.StartAsync((id, timestamp, body, signature) =>
            secret is not null && WebhookSignature.Verify(WebhookSignature.KeyOf(secret), id, timestamp, body, signature, DateTimeOffset.UtcNow));
        return (receiver, s => secret = s);
    }

    /// <summary>Creates a subscription through the admin API; returns its id and secret.</summary>
    public static async Task<(string Id, string Secret)> SubscribeAsync(HttpClient admin, Uri url, string[]? eventTypes = null, string? callId = null, string name = "crm")
    {
        using var response = await admin.PostAsJsonAsync("/api/v1/admin/outbound/subscriptions", new { name, url = url.ToString(), eventTypes, callId });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        using var json = JsonDocument.Parse(text);
        return (json.RootElement.GetProperty("subscription").GetProperty("id").GetString()!, json.RootElement.GetProperty("secret").GetString()!);
    }

    /// <summary>
    /// Asserts what at-least-once in per-call order means at the receiver: every signature
    /// verified; each call's events arrived in seq order, an event being sent only after the one
    /// before it was acknowledged (a repeat is of the last acknowledged or the one in flight); every
    /// attempt of one event carried one delivery id and distinct events distinct ids; and every
    /// expected event was acknowledged.
    /// </summary>
    public static void AssertDeliveredInOrder(IReadOnlyList<ReceivedWebhook> received, IReadOnlyDictionary<string, long[]> expected)
    {
        Assert.All(received, r => Assert.True(r.SignatureValid, $"the signature of {r.DeliveryId} did not verify"));
        var ids = new Dictionary<(string, long), string>();
        foreach (var r in received)
        {
            var key = (r.CallId!, r.Seq);
            if (ids.TryGetValue(key, out var id))
            {
                Assert.Equal(id, r.DeliveryId);
            }
            else
            {
                ids[key] = r.DeliveryId;
            }
        }

        Assert.Equal(ids.Count, ids.Values.Distinct().Count());
        foreach (var (callId, seqs) in expected)
        {
            var acknowledged = -1;
            foreach (var r in received.Where(r => r.CallId == callId))
            {
                var index = Array.IndexOf(seqs, r.Seq);
                Assert.True(index >= 0, $"{callId} seq {r.Seq} was not expected");
                Assert.True(index <= acknowledged + 1, $"{callId} seq {r.Seq} was sent before seq {seqs[acknowledged + 1]} was acknowledged");
                if (r.Answered is >= 200 and < 300)
                {
                    acknowledged = Math.Max(acknowledged, index);
                }
            }

            Assert.True(acknowledged == seqs.Length - 1, $"{callId}: acknowledged up to index {acknowledged} of {seqs.Length}");
        }
    }

    /// <summary>The expected events not acknowledged, with how many attempts of each arrived (for a failure's message).</summary>
    public static string Missing(IReadOnlyList<ReceivedWebhook> received, IReadOnlyDictionary<string, long[]> expected)
    {
        var acked = received.Where(r => r.Answered is >= 200 and < 300).Select(r => (r.CallId, r.Seq)).ToHashSet();
        return string.Join(", ", expected.SelectMany(e => e.Value.Where(s => !acked.Contains((e.Key, s))).Select(s =>
            $"{e.Key}#{s} ({received.Count(r => r.CallId == e.Key && r.Seq == s)} attempts)")).Take(20));
    }

    /// <summary>True when every expected event was acknowledged.</summary>
    public static bool AllAcknowledged(IReadOnlyList<ReceivedWebhook> received, IReadOnlyDictionary<string, long[]> expected)
    {
        var acked = received.Where(r => r.Answered is >= 200 and < 300).Select(r => (r.CallId, r.Seq)).ToHashSet();
        return expected.All(e => e.Value.All(s => acked.Contains((e.Key, s))));
    }
}
