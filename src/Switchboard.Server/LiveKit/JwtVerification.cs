using System.Text.Json;

namespace Switchboard.Server.LiveKit;

/// <summary>The outcome of verifying a LiveKit token: the issuer and payload, or why it was refused.</summary>
public sealed record JwtVerification(bool Valid, string? Failure, string? Issuer, JsonElement Payload)
{
    internal static JwtVerification Fail(string reason) => new(false, reason, null, default);

    /// <summary>A string claim of the verified payload.</summary>
    public string? Claim(string name) =>
        Payload.ValueKind == JsonValueKind.Object && Payload.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
