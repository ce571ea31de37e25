using System.Text;
using Switchboard.Server.Identity;
using Switchboard.Server.Outbound;
using Switchboard.Server.Tests.Infrastructure;

namespace Switchboard.Server.Tests.Integration.Outbound;

/// <summary>A real delivery checked by the verification code docs/OUTBOUND.md gives receivers (and the reference library): accepted as sent, refused once tampered with.</summary>
public sealed class OutboundSignatureTests
{
    [Fact]
    public async Task A_delivery_verifies_and_any_tampering_with_it_is_detected_by_the_documented_code()
    {
        using var app = new SwitchboardApp();
        var (receiver, setSecret) = await OutboundReceiving.StartReceiverAsync();
        await using var _ = receiver;
        using var admin = await app.SignInAsync(Roles.Admin);
        using var agent = app.ClientWithKey(app.CreateKey(ApiKeyScopes.Agent));
        var (_, secret) = await OutboundReceiving.SubscribeAsync(admin, receiver.Url);
        setSecret(secret);
        await Events.PostAsync(agent, Events.Started("OUT_S"), Events.Line("OUT_S", "l1", "Ça va — 你好 👋"));
        await receiver.WaitUntilAsync(r => r.Count(x => x.Answered == 204) == 2, TimeSpan.FromSeconds(30));

        var delivery = receiver.Acknowledged[1];
        Assert.True(delivery.SignatureValid);
        var body = Encoding.UTF8.GetString(delivery.Body);
        Assert.Contains("\"seq\":2", body, StringComparison.Ordinal);
        var timestamp = long.Parse(delivery.Timestamp, System.Globalization.CultureInfo.InvariantCulture);
        var signature = delivery.Signature;
        var flipped = signature[..^3] + (signature[^3] == 'A' ? 'B' : 'A') + signature[^2..];
        var cases = new[]
        {
            new { name = "as delivered", id = delivery.DeliveryId, timestamp, body, signature },
            new { name = "body tampered", id = delivery.DeliveryId, timestamp, body = body.Replace("\"seq\":2", "\"seq\":3", StringComparison.Ordinal), signature },
            new { name = "signature tampered", id = delivery.DeliveryId, timestamp, body, signature = flipped },
            new { name = "id of another delivery", id = receiver.Acknowledged[0].DeliveryId, timestamp, body, signature },
            new { name = "timestamp moved", id = delivery.DeliveryId, timestamp = timestamp - 1, body, signature },
        };

        var doc = await File.ReadAllTextAsync(Path.Combine(NodeScript.RepositoryRoot, "docs", "OUTBOUND.md"));
        var start = doc.IndexOf("```js\n", StringComparison.Ordinal) + "```js\n".Length;
        var verifier = Path.Combine(Path.GetTempPath(), $"outbound-verify-{Guid.NewGuid():N}.mjs");
        await File.WriteAllTextAsync(verifier, doc[start..doc.IndexOf("```", start, StringComparison.Ordinal)]);
        System.Text.Json.Nodes.JsonArray results;
        try
        {
            results = (await NodeScript.RunAsync("standard-webhooks.mjs", new { secret, cases, docVerifier = verifier })).AsArray();
        }
        finally
        {
            File.Delete(verifier);
        }

        Assert.Equal(["as delivered"], results.Where(r => (bool)r!["documentedAccepts"]!).Select(r => (string)r!["name"]!).ToList());
        Assert.Equal(["as delivered"], results.Where(r => (bool)r!["accepted"]!).Select(r => (string)r!["name"]!).ToList());
        var key = WebhookSignature.KeyOf(secret);
        Assert.Equal([true, false, false, false, false], cases.Select(c => WebhookSignature.Verify(
            key, c.id, c.timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture), Encoding.UTF8.GetBytes(c.body), c.signature, DateTimeOffset.UtcNow)).ToArray());
    }
}
