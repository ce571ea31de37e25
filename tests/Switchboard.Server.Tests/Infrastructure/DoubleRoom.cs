using System.Text.Json.Nodes;

namespace Switchboard.Server.Tests.Infrastructure;

/// <summary>A room held by <see cref="LiveKitApiDouble"/>.</summary>
public sealed class DoubleRoom(string sid, string name)
{
    public string Sid { get; } = sid;

    public string Name { get; } = name;

    public List<DoubleParticipant> Participants { get; } = [];

    public DoubleParticipant Add(string identity, string kind, string? audioTrackSid = null, Dictionary<string, string>? attributes = null)
    {
        var p = new DoubleParticipant("PA_" + identity, identity, kind, attributes ?? []);
        if (audioTrackSid is not null)
        {
            p.Tracks.Add(new DoubleTrack(audioTrackSid, "AUDIO", "MICROPHONE"));
        }

        lock (Participants)
        {
            Participants.Add(p);
        }

        return p;
    }

    /// <summary>As livekit-server writes a Room: snake_case names, every field present (LIVEKIT.md §2.2).</summary>
    public JsonObject ToJson() => new()
    {
        ["sid"] = Sid,
        ["name"] = Name,
        ["empty_timeout"] = 300,
        ["departure_timeout"] = 20,
        ["max_participants"] = 0,
        ["creation_time"] = "1700000000",
        ["creation_time_ms"] = "1700000000123",
        ["turn_password"] = "",
        ["enabled_codecs"] = new JsonArray(new JsonObject { ["mime"] = "audio/opus", ["fmtp_line"] = "" }),
        ["metadata"] = "",
        ["num_participants"] = Participants.Count,
        ["num_publishers"] = 0,
        ["active_recording"] = false,
        ["version"] = null,
    };
}

/// <summary>A participant held by <see cref="LiveKitApiDouble"/>.</summary>
public sealed class DoubleParticipant(string sid, string identity, string kind, Dictionary<string, string> attributes)
{
    public string Sid { get; } = sid;

    public string Identity { get; } = identity;

    public string Kind { get; } = kind;

    public Dictionary<string, string> Attributes { get; } = attributes;

    public List<DoubleTrack> Tracks { get; } = [];

    public JsonObject Permission { get; set; } = Permissions(true, true, true, false);

    public static JsonObject Permissions(bool subscribe, bool publish, bool data, bool hidden, params string[] sources) => new()
    {
        ["can_subscribe"] = subscribe,
        ["can_publish"] = publish,
        ["can_publish_data"] = data,
        ["can_publish_sources"] = new JsonArray([.. sources.Select(s => (JsonNode?)s)]),
        ["hidden"] = hidden,
        ["recorder"] = false,
        ["can_update_metadata"] = false,
        ["agent"] = false,
        ["can_subscribe_metrics"] = false,
        ["can_manage_agent_session"] = false,
    };

    public JsonObject ToJson() => new()
    {
        ["sid"] = Sid,
        ["identity"] = Identity,
        ["state"] = "ACTIVE",
        ["tracks"] = new JsonArray([.. Tracks.Select(t => (JsonNode?)t.ToJson())]),
        ["metadata"] = "",
        ["joined_at"] = "1700000000",
        ["joined_at_ms"] = "1700000000123",
        ["name"] = Identity,
        ["version"] = 3,
        ["permission"] = Permission.DeepClone(),
        ["region"] = "",
        ["is_publisher"] = Tracks.Count > 0,
        ["kind"] = Kind,
        ["attributes"] = new JsonObject([.. Attributes.Select(a => KeyValuePair.Create(a.Key, (JsonNode?)a.Value))]),
        ["disconnect_reason"] = "UNKNOWN_REASON",
        ["kind_details"] = new JsonArray(),
        ["data_tracks"] = new JsonArray(),
        ["client_protocol"] = 0,
        ["capabilities"] = new JsonArray(),
    };
}

/// <summary>A track held by <see cref="LiveKitApiDouble"/>.</summary>
public sealed class DoubleTrack(string sid, string type, string source)
{
    public string Sid { get; } = sid;

    public bool Muted { get; set; }

    public JsonObject ToJson() => new()
    {
        ["sid"] = Sid,
        ["type"] = type,
        ["name"] = "",
        ["muted"] = Muted,
        ["width"] = 0,
        ["height"] = 0,
        ["simulcast"] = false,
        ["disable_dtx"] = false,
        ["source"] = source,
        ["layers"] = new JsonArray(),
        ["mime_type"] = "audio/opus",
        ["mid"] = "",
        ["codecs"] = new JsonArray(),
        ["stereo"] = false,
        ["disable_red"] = false,
        ["encryption"] = "NONE",
        ["stream"] = "",
        ["version"] = new JsonObject { ["unix_micro"] = "1700000000000000", ["ticks"] = 0 },
        ["audio_features"] = new JsonArray(),
        ["backup_codec_policy"] = "PREFER_REGRESSION",
    };
}
