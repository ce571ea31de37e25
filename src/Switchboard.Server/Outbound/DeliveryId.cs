using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Switchboard.Server.Outbound;

/// <summary>
/// The <c>webhook-id</c> of an event's delivery to a subscription: derived from the subscription,
/// the call and the seq, so every retry, every node and every replay sends the same id.
/// </summary>
public static class DeliveryId
{
    /// <summary><c>msg_</c> + the first 16 bytes of SHA-256 over (subscription, call, seq), in hex.</summary>
    public static string Of(string subscriptionId, string callId, long seq)
    {
        var text = string.Create(CultureInfo.InvariantCulture, $"{subscriptionId}\n{callId}\n{seq}");
        return "msg_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)).AsSpan(0, 16));
    }
}
