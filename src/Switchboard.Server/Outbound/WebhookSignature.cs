using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Switchboard.Server.Outbound;

/// <summary>
/// Signatures of outbound deliveries per the Standard Webhooks scheme: the headers
/// <c>webhook-id</c>, <c>webhook-timestamp</c> (Unix seconds) and <c>webhook-signature</c>
/// (<c>v1,</c> + base64 of HMAC-SHA256 over <c>{id}.{timestamp}.{body}</c> with the secret's
/// key; a secret is <c>whsec_</c> + base64 of the key). A receiver verifies with any Standard
/// Webhooks library, or with <see cref="Verify"/> (docs/OUTBOUND.md).
/// </summary>
public static class WebhookSignature
{
    /// <summary>The prefix of a secret.</summary>
    public const string SecretPrefix = "whsec_";

    /// <summary>The header carrying the delivery id (the same for every attempt of one delivery).</summary>
    public const string IdHeader = "webhook-id";

    /// <summary>The header carrying the attempt's time, Unix seconds.</summary>
    public const string TimestampHeader = "webhook-timestamp";

    /// <summary>The header carrying the signatures, space-separated (<c>v1,…</c>).</summary>
    public const string SignatureHeader = "webhook-signature";

    /// <summary>How far a timestamp may be from the receiver's clock (the scheme's default).</summary>
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromMinutes(5);

    /// <summary>A new secret with a 32-byte random key.</summary>
    public static string NewSecret() => SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>The key of <paramref name="secret"/> (with or without its prefix).</summary>
    /// <exception cref="ArgumentException">The secret is not base64 or its key is shorter than 16 bytes.</exception>
    public static byte[] KeyOf(string secret)
    {
        var text = secret.StartsWith(SecretPrefix, StringComparison.Ordinal) ? secret[SecretPrefix.Length..] : secret;
        byte[] key;
        try
        {
            key = Convert.FromBase64String(text);
        }
        catch (FormatException ex)
        {
            throw new ArgumentException("A webhook secret is 'whsec_' followed by base64.", nameof(secret), ex);
        }

        return key.Length >= 16 ? key : throw new ArgumentException("A webhook secret's key needs at least 16 bytes.", nameof(secret));
    }

    /// <summary>The <c>webhook-signature</c> value of one message.</summary>
    public static string Sign(byte[] key, string messageId, long timestamp, ReadOnlySpan<byte> body) =>
        "v1," + Convert.ToBase64String(Mac(key, messageId, timestamp, body));

    /// <summary>
    /// Whether one of the <c>v1</c> signatures in <paramref name="signatures"/> is the message's and
    /// its timestamp is within <paramref name="tolerance"/> of <paramref name="now"/>. Compared in
    /// constant time.
    /// </summary>
    public static bool Verify(byte[] key, string messageId, string timestamp, ReadOnlySpan<byte> body, string signatures, DateTimeOffset now, TimeSpan? tolerance = null)
    {
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || Math.Abs(now.ToUnixTimeSeconds() - seconds) > (tolerance ?? DefaultTolerance).TotalSeconds)
        {
            return false;
        }

        var expected = Mac(key, messageId, seconds, body);
        Span<byte> given = stackalloc byte[64];
        var found = false;
        foreach (var entry in signatures.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (entry.StartsWith("v1,", StringComparison.Ordinal)
                && Convert.TryFromBase64String(entry[3..], given, out var written)
                && written == expected.Length)
            {
                // Every entry is compared, so the time taken does not tell which one matched.
                found |= CryptographicOperations.FixedTimeEquals(given[..written], expected);
            }
        }

        return found;
    }

    private static byte[] Mac(byte[] key, string messageId, long timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{messageId}.{timestamp}."));
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
        hmac.AppendData(prefix);
        hmac.AppendData(body);
        return hmac.GetHashAndReset();
    }
}
