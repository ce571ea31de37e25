using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Switchboard.Server.LiveKit;

/// <summary>
/// HS256 compact JWS as LiveKit uses it (LIVEKIT.md §1.1, §8): key = UTF-8 bytes of the secret,
/// base64url without padding. Claims are written in ordinal key order so tokens are reproducible.
/// </summary>
public static class LiveKitJwt
{
    /// <summary>Clock leeway on <c>exp</c> and <c>nbf</c>, as LiveKit's own verifier.</summary>
    public static readonly TimeSpan DefaultLeeway = TimeSpan.FromMinutes(1);

    private const string HeaderJson = """{"alg":"HS256","typ":"JWT"}""";

    private static readonly JsonSerializerOptions PayloadJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Signs the claims with the secret.</summary>
    public static string Sign(LiveKitClaims claims, string secret) => Sign(ToJson(claims), secret);

    /// <summary>Signs an arbitrary payload object (its key order is kept).</summary>
    public static string Sign(JsonObject payload, string secret)
    {
        var signingInput = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(HeaderJson)) + "."
            + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(payload.ToJsonString(PayloadJson)));
        var signature = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.ASCII.GetBytes(signingInput));
        return signingInput + "." + Base64Url.EncodeToString(signature);
    }

    /// <summary>Verifies a token whose key is looked up by its (unverified) <c>iss</c> claim.</summary>
    public static JwtVerification Verify(string? token, IReadOnlyDictionary<string, string> secrets, DateTimeOffset now, TimeSpan? leeway = null)
    {
        if (string.IsNullOrWhiteSpace(token))
        {
            return JwtVerification.Fail("no token");
        }

        var parts = token.Split('.');
        if (parts.Length != 3)
        {
            return JwtVerification.Fail("not a compact JWS");
        }

        if (Decode(parts[0]) is not { ValueKind: JsonValueKind.Object } header
            || !header.TryGetProperty("alg", out var alg) || alg.ValueKind != JsonValueKind.String || alg.GetString() != "HS256")
        {
            return JwtVerification.Fail("algorithm is not HS256");
        }

        if (Decode(parts[1]) is not { ValueKind: JsonValueKind.Object } payload)
        {
            return JwtVerification.Fail("payload is not a JSON object");
        }

        var issuer = payload.TryGetProperty("iss", out var iss) && iss.ValueKind == JsonValueKind.String ? iss.GetString() : null;
        if (issuer is null || !secrets.TryGetValue(issuer, out var secret))
        {
            return JwtVerification.Fail("unknown API key");
        }

        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]));
        var actual = TryDecodeBytes(parts[2]);
        if (actual is null || !CryptographicOperations.FixedTimeEquals(expected, actual))
        {
            return JwtVerification.Fail("bad signature");
        }

        var slack = leeway ?? DefaultLeeway;
        var seconds = now.ToUnixTimeSeconds();
        if (!TryReadTime(payload, "exp", out var exp))
        {
            return JwtVerification.Fail("no expiry (exp)");
        }

        if (seconds > exp + (long)slack.TotalSeconds)
        {
            return JwtVerification.Fail("expired");
        }

        if (TryReadTime(payload, "nbf", out var nbf) && seconds + (long)slack.TotalSeconds < nbf)
        {
            return JwtVerification.Fail("not valid yet");
        }

        return new JwtVerification(true, null, issuer, payload);
    }

    /// <summary>The JSON payload of the claims, keys in ordinal order at every level.</summary>
    public static JsonObject ToJson(LiveKitClaims c)
    {
        var o = new SortedDictionary<string, JsonNode?>(StringComparer.Ordinal)
        {
            ["exp"] = c.Expires,
            ["iss"] = c.Issuer,
            ["nbf"] = c.NotBefore,
        };
        Put(o, "iat", c.IssuedAt);
        Put(o, "sub", c.Identity);
        Put(o, "name", c.Name);
        Put(o, "metadata", c.Metadata);
        Put(o, "kind", c.Kind);
        Put(o, "roomPreset", c.RoomPreset);
        Put(o, "sha256", c.Sha256);
        if (c.Attributes is { Count: > 0 } attributes)
        {
            o["attributes"] = Sorted(attributes.ToDictionary(a => a.Key, a => (JsonNode?)a.Value));
        }

        if (c.KindDetails is { Count: > 0 } details)
        {
            o["kindDetails"] = new JsonArray([.. details.Select(d => (JsonNode?)d)]);
        }

        if (c.Video is { } v)
        {
            o["video"] = VideoJson(v);
        }

        if (c.Sip is { } sip)
        {
            o["sip"] = Flags(("admin", sip.Admin), ("call", sip.Call));
        }

        if (c.Agent is { } agent)
        {
            o["agent"] = Flags(("admin", agent.Admin), ("databaseAdmin", agent.DatabaseAdmin), ("simulationAdmin", agent.SimulationAdmin));
        }

        if (c.Inference is { } inference)
        {
            o["inference"] = Flags(("perform", inference.Perform));
        }

        if (c.Observability is { } observability)
        {
            o["observability"] = Flags(("write", observability.Write));
        }

        if (c.RoomConfig is { ValueKind: JsonValueKind.Object } roomConfig)
        {
            o["roomConfig"] = JsonNode.Parse(roomConfig.GetRawText());
        }

        return Sorted(o);
    }

    private static JsonObject VideoJson(VideoGrant v)
    {
        var o = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        Flag(o, "roomCreate", v.RoomCreate);
        Flag(o, "roomList", v.RoomList);
        Flag(o, "roomRecord", v.RoomRecord);
        Flag(o, "roomAdmin", v.RoomAdmin);
        Flag(o, "roomJoin", v.RoomJoin);
        Put(o, "room", v.Room);
        Put(o, "canPublish", v.CanPublish);
        Put(o, "canSubscribe", v.CanSubscribe);
        Put(o, "canPublishData", v.CanPublishData);
        if (v.CanPublishSources is { } sources)
        {
            o["canPublishSources"] = new JsonArray([.. sources.Select(s => (JsonNode?)s)]);
        }

        Put(o, "canUpdateOwnMetadata", v.CanUpdateOwnMetadata);
        Flag(o, "ingressAdmin", v.IngressAdmin);
        Flag(o, "hidden", v.Hidden);
        Flag(o, "recorder", v.Recorder);
        Flag(o, "agent", v.Agent);
        Put(o, "canSubscribeMetrics", v.CanSubscribeMetrics);
        Put(o, "canManageAgentSession", v.CanManageAgentSession);
        Put(o, "destinationRoom", v.DestinationRoom);
        return Sorted(o);
    }

    private static JsonObject Flags(params (string Name, bool Value)[] flags)
    {
        var o = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var (name, value) in flags)
        {
            Flag(o, name, value);
        }

        return Sorted(o);
    }

    private static JsonObject Sorted(IDictionary<string, JsonNode?> properties) =>
        new(properties.OrderBy(p => p.Key, StringComparer.Ordinal));

    private static void Flag(IDictionary<string, JsonNode?> o, string name, bool value)
    {
        if (value)
        {
            o[name] = true;
        }
    }

    private static void Put(IDictionary<string, JsonNode?> o, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            o[name] = value;
        }
    }

    private static void Put(IDictionary<string, JsonNode?> o, string name, bool? value)
    {
        if (value is { } v)
        {
            o[name] = v;
        }
    }

    private static void Put(IDictionary<string, JsonNode?> o, string name, long? value)
    {
        if (value is { } v)
        {
            o[name] = v;
        }
    }

    private static bool TryReadTime(JsonElement payload, string name, out long value)
    {
        value = 0;
        if (!payload.TryGetProperty(name, out var e) || e.ValueKind != JsonValueKind.Number)
        {
            return false;
        }

        value = e.TryGetInt64(out var whole) ? whole : (long)Math.Floor(e.GetDouble());
        return true;
    }

    private static JsonElement? Decode(string segment)
    {
        var bytes = TryDecodeBytes(segment);
        if (bytes is null)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(bytes);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static byte[]? TryDecodeBytes(string segment)
    {
        try
        {
            return segment.Length == 0 ? [] : Base64Url.DecodeFromChars(segment);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
