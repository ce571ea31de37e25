using System.Text;
using Switchboard.Server.Outbound;
using Switchboard.Server.Tests.Infrastructure;

namespace Switchboard.Server.Tests.Conformance;

/// <summary>
/// Outbound signatures against the Standard Webhooks reference library (npm <c>standardwebhooks</c>
/// 1.1.1, installed in tests/conformance): what Switchboard signs, a receiver using the library
/// accepts; what is tampered with, it refuses; and both sign a message alike.
/// </summary>
public sealed class StandardWebhooksConformanceTests
{
    [Fact]
    public async Task The_reference_library_accepts_Switchboard_s_signatures_and_refuses_every_tampered_message()
    {
        var secret = WebhookSignature.NewSecret();
        var key = WebhookSignature.KeyOf(secret);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        string Sign(string id, long ts, string body) => WebhookSignature.Sign(key, id, ts, Encoding.UTF8.GetBytes(body));
        const string Body = """{"type":"transcript.final","callId":"RM_1","seq":7,"data":{"speaker":"customer","text":"Ça va — 你好 👋"}}""";
        var cases = new[]
        {
            new { name = "signed", id = "msg_a1", timestamp = now, body = Body, signature = Sign("msg_a1", now, Body) },
            new { name = "empty object", id = "msg_a2", timestamp = now, body = "{}", signature = Sign("msg_a2", now, "{}") },
            new { name = "second of two signatures (key rotation)", id = "msg_a3", timestamp = now, body = Body, signature = "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= " + Sign("msg_a3", now, Body) },
            new { name = "body changed", id = "msg_b1", timestamp = now, body = Body.Replace("seq\":7", "seq\":8", StringComparison.Ordinal), signature = Sign("msg_b1", now, Body) },
            new { name = "id changed", id = "msg_b2", timestamp = now, body = Body, signature = Sign("msg_other", now, Body) },
            new { name = "timestamp changed", id = "msg_b3", timestamp = now + 1, body = Body, signature = Sign("msg_b3", now, Body) },
            new { name = "signed with another secret", id = "msg_b4", timestamp = now, body = Body, signature = WebhookSignature.Sign(WebhookSignature.KeyOf(WebhookSignature.NewSecret()), "msg_b4", now, Encoding.UTF8.GetBytes(Body)) },
            new { name = "too old", id = "msg_b5", timestamp = now - 3600, body = Body, signature = Sign("msg_b5", now - 3600, Body) },
        };

        // The receiver's verification code that docs/OUTBOUND.md gives, as a module of its own.
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

        var accepted = results.Where(r => (bool)r!["accepted"]!).Select(r => (string)r!["name"]!).ToList();
        Assert.Equal(["signed", "empty object", "second of two signatures (key rotation)"], accepted);

        for (var i = 0; i < cases.Length; i++)
        {
            var library = (string)results[i]!["librarySignature"]!;
            var c = cases[i];
            Assert.Equal(library, Sign(c.id, c.timestamp, c.body));
            Assert.Equal((bool)results[i]!["accepted"]!, (bool)results[i]!["documentedAccepts"]!);
            // Switchboard's own verification (what docs/OUTBOUND.md gives receivers) agrees with the library's.
            Assert.Equal((bool)results[i]!["accepted"]!, WebhookSignature.Verify(key, c.id, c.timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture), Encoding.UTF8.GetBytes(c.body), c.signature, DateTimeOffset.UtcNow));
        }
    }

    [Fact]
    public void A_malformed_secret_or_signature_is_refused_not_thrown()
    {
        Assert.Contains("'whsec_' followed by base64", Assert.Throws<ArgumentException>(() => WebhookSignature.KeyOf("whsec_not base64!")).Message, StringComparison.Ordinal);
        Assert.Contains("at least 16 bytes", Assert.Throws<ArgumentException>(() => WebhookSignature.KeyOf("whsec_AAAA")).Message, StringComparison.Ordinal);
        var key = WebhookSignature.KeyOf(WebhookSignature.NewSecret());
        var now = DateTimeOffset.UtcNow;
        var ts = now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var signature in new[] { "", "v1,", "v1,!!!", "v2," + Convert.ToBase64String(new byte[32]), "v1," + Convert.ToBase64String(new byte[80]) })
        {
            Assert.False(WebhookSignature.Verify(key, "msg", ts, "{}"u8, signature, now));
        }

        Assert.False(WebhookSignature.Verify(key, "msg", "-5", "{}"u8, WebhookSignature.Sign(key, "msg", -5, "{}"u8), now));
        Assert.False(WebhookSignature.Verify(key, "msg", "soon", "{}"u8, "v1,x", now));
    }
}
