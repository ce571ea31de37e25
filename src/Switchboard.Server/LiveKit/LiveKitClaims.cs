using System.Text.Json;

namespace Switchboard.Server.LiveKit;

/// <summary>
/// The claims of a LiveKit access token (LIVEKIT.md §1.2–1.3). Timestamps are unix seconds;
/// <c>exp</c> is always written because LiveKit rejects a token without it.
/// </summary>
public sealed record LiveKitClaims
{
    /// <summary>The API key (<c>iss</c>).</summary>
    public required string Issuer { get; init; }

    /// <summary>The participant identity (<c>sub</c>); required with <c>roomJoin</c>.</summary>
    public string? Identity { get; init; }

    public required long NotBefore { get; init; }

    public required long Expires { get; init; }

    /// <summary>Issued-at; LiveKit's own notifier sets it, the JS SDK does not.</summary>
    public long? IssuedAt { get; init; }

    public string? Name { get; init; }

    public string? Metadata { get; init; }

    public IReadOnlyDictionary<string, string>? Attributes { get; init; }

    /// <summary>Lower-case participant kind: <c>standard</c>, <c>agent</c>, <c>sip</c>, …</summary>
    public string? Kind { get; init; }

    public IReadOnlyList<string>? KindDetails { get; init; }

    public VideoGrant? Video { get; init; }

    public SipGrant? Sip { get; init; }

    public AgentGrant? Agent { get; init; }

    public InferenceGrant? Inference { get; init; }

    public ObservabilityGrant? Observability { get; init; }

    /// <summary>A <c>RoomConfiguration</c> in proto3 JSON (lowerCamelCase), applied when this token's holder creates the room.</summary>
    public JsonElement? RoomConfig { get; init; }

    public string? RoomPreset { get; init; }

    /// <summary>Base64 SHA-256 of a webhook body.</summary>
    public string? Sha256 { get; init; }
}
