using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Switchboard.Server.Tests.Infrastructure;

/// <summary>
/// A test double of the LiveKit server API: Kestrel on 127.0.0.1 with an ephemeral port, speaking
/// Twirp JSON as livekit-server does (LIVEKIT.md §1.8–4): POST only, JSON content type, a bearer
/// token checked for signature, expiry and the grants of each method, snake_case answers with every
/// field, Twirp error bodies. It records every request and can be told to fail.
/// </summary>
public sealed class LiveKitApiDouble : IAsyncDisposable
{
    public const string ApiKey = "APIswitchboardTest";
    public const string ApiSecret = "a-test-secret-of-32-characters!!";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, DoubleRoom> _rooms = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(string Method, int Status, string Body)> _failures = new();

    private LiveKitApiDouble(WebApplication app) => _app = app;

    public Uri Url { get; private set; } = null!;

    /// <summary>Every request received, in order.</summary>
    public ConcurrentQueue<TwirpCall> Calls { get; } = new();

    /// <summary>As <c>room.enable_remote_unmute</c>; off by default, as on livekit-server.</summary>
    public bool RemoteUnmute { get; set; }

    /// <summary>When set, TransferSIPParticipant fails with this SIP status.</summary>
    public (int Code, string Reason)? TransferFailure { get; set; }

    public static async Task<LiveKitApiDouble> StartAsync()
    {
        LiveKitApiDouble? fake = null;
        var (app, url) = await LoopbackApp.StartAsync(app =>
        {
            fake = new LiveKitApiDouble(app);
            app.Map("/twirp/{service}/{method}", fake.HandleAsync);
        });
        fake!.Url = url;
        return fake;
    }

    public DoubleRoom AddRoom(string sid, string name) => _rooms[sid] = new DoubleRoom(sid, name);

    public void RemoveRoom(string sid) => _rooms.TryRemove(sid, out _);

    public DoubleRoom? Room(string sid) => _rooms.GetValueOrDefault(sid);

    /// <summary>The next <paramref name="times"/> requests to <paramref name="method"/> fail with this answer.</summary>
    public void FailNext(string method, int times, int status, string body)
    {
        for (var i = 0; i < times; i++)
        {
            _failures.Enqueue((method, status, body));
        }
    }

    /// <summary>The next <paramref name="times"/> requests to <paramref name="method"/> get no answer for 10 s.</summary>
    public void HangNext(string method, int times) => FailNext(method, times, 0, "");

    /// <summary>The egresses started, by id, with the room SID each records.</summary>
    public ConcurrentDictionary<string, (string RoomSid, JsonObject Request)> Egresses { get; } = new(StringComparer.Ordinal);

    public IReadOnlyList<TwirpCall> CallsTo(string method) => [.. Calls.Where(c => c.Method == method)];

    private async Task HandleAsync(HttpContext context, string service, string method)
    {
        var body = await new StreamReader(context.Request.Body, Encoding.UTF8).ReadToEndAsync(context.RequestAborted);
        var auth = context.Request.Headers.Authorization.ToString();
        var name = $"{service}/{method}";
        Calls.Enqueue(new TwirpCall(name, body, auth.StartsWith("Bearer ", StringComparison.Ordinal) ? auth[7..] : null));
        if (context.Request.Method != "POST" || context.Request.ContentType?.Split(';')[0].Trim() is not ("application/json" or "application/protobuf"))
        {
            await Error(context, 404, "bad_route", "unexpected request");
            return;
        }

        if (!auth.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            await Plain(context, "invalid authorization header. Must start with Bearer ");
            return;
        }

        var claims = Verify(auth[7..]);
        if (claims is null)
        {
            await Plain(context, "invalid authorization token");
            return;
        }

        var request = JsonNode.Parse(body.Length == 0 ? "{}" : body)!.AsObject();
        if (!Allowed(name, claims, request))
        {
            await Error(context, 401, "unauthenticated", "permissions denied");
            return;
        }

        if (_failures.TryPeek(out var failure) && failure.Method == name && _failures.TryDequeue(out failure))
        {
            if (failure.Status == 0)
            {
                await Task.Delay(TimeSpan.FromSeconds(10), context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
                return;
            }

            context.Response.StatusCode = failure.Status;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(failure.Body);
            return;
        }

        await Answer(context, name, request);
    }

    private async Task Answer(HttpContext context, string name, JsonObject r)
    {
        string? S(string camel, string snake) => (string?)(r[camel] ?? r[snake]);
        var room = S("room", "room") ?? S("roomName", "room_name");
        var target = room is null ? null : _rooms.Values.FirstOrDefault(x => x.Name == room);
        switch (name)
        {
            case "livekit.RoomService/ListRooms":
                var names = r["names"]?.AsArray().Select(n => (string)n!).ToHashSet();
                await Ok(context, new JsonObject { ["rooms"] = new JsonArray([.. _rooms.Values.Where(x => names is null || names.Contains(x.Name)).Select(x => (JsonNode?)x.ToJson())]) });
                return;
            case "livekit.RoomService/DeleteRoom" when target is not null:
                _rooms.TryRemove(target.Sid, out _);
                await Ok(context, []);
                return;
            case "livekit.SIP/CreateSIPParticipant" when target is not null:
                var identity = S("participantIdentity", "participant_identity") ?? "sip-participant";
                target.Add(identity, "SIP");
                await Ok(context, new JsonObject { ["participant_id"] = "PA_" + identity, ["participant_identity"] = identity, ["room_name"] = target.Name, ["sip_call_id"] = "SCL_test" });
                return;
            case "livekit.AgentDispatchService/CreateDispatch" when target is not null:
                await Ok(context, new JsonObject { ["id"] = "AD_test", ["agent_name"] = S("agentName", "agent_name"), ["room"] = target.Name, ["metadata"] = S("metadata", "metadata") ?? "", ["state"] = null });
                return;
            case "livekit.RoomService/SendData" when target is not null:
                await Ok(context, []);
                return;
            case "livekit.Egress/StartRoomCompositeEgress" when target is not null:
                var egressId = "EG_" + Guid.NewGuid().ToString("N")[..12];
                Egresses[egressId] = (target.Sid, r);
                await Ok(context, EgressInfo(egressId, target, "EGRESS_STARTING", r));
                return;
            case "livekit.Egress/StopEgress":
                var stop = S("egressId", "egress_id") ?? "";
                if (!Egresses.TryGetValue(stop, out var running))
                {
                    await Error(context, 404, "not_found", "egress does not exist");
                    return;
                }

                var recorded = _rooms.GetValueOrDefault(running.RoomSid) ?? new DoubleRoom(running.RoomSid, "gone");
                await Ok(context, EgressInfo(stop, recorded, "EGRESS_ENDING", running.Request));
                return;
        }

        if (target is null)
        {
            await Error(context, 404, "not_found", "requested room does not exist");
            return;
        }

        if (name == "livekit.RoomService/ListParticipants")
        {
            await Ok(context, new JsonObject { ["participants"] = new JsonArray([.. target.Participants.Select(p => (JsonNode?)p.ToJson())]) });
            return;
        }

        var who = S("identity", "identity") ?? S("participantIdentity", "participant_identity");
        var participant = target.Participants.FirstOrDefault(p => p.Identity == who);
        if (participant is null)
        {
            await Error(context, 404, "not_found", "participant does not exist");
            return;
        }

        switch (name)
        {
            case "livekit.RoomService/GetParticipant":
                await Ok(context, participant.ToJson());
                return;
            case "livekit.RoomService/RemoveParticipant":
                target.Participants.Remove(participant);
                await Ok(context, []);
                return;
            case "livekit.RoomService/UpdateParticipant":
                if (r["permission"] is JsonObject permission)
                {
                    participant.Permission = DoubleParticipant.Permissions(
                        (bool?)permission["canSubscribe"] ?? false,
                        (bool?)permission["canPublish"] ?? false,
                        (bool?)permission["canPublishData"] ?? false,
                        (bool?)permission["hidden"] ?? false,
                        [.. permission["canPublishSources"]?.AsArray().Select(s => (string)s!) ?? []]);
                }

                await Ok(context, participant.ToJson());
                return;
            case "livekit.RoomService/MutePublishedTrack":
                var track = participant.Tracks.FirstOrDefault(t => t.Sid == S("trackSid", "track_sid"));
                var muted = (bool?)r["muted"] ?? false;
                if (track is null)
                {
                    await Error(context, 404, "not_found", "track does not exist");
                }
                else if (!muted && !RemoteUnmute)
                {
                    await Error(context, 412, "failed_precondition", "remote unmute not enabled");
                }
                else
                {
                    track.Muted = muted;
                    await Ok(context, new JsonObject { ["track"] = track.ToJson() });
                }

                return;
            case "livekit.SIP/TransferSIPParticipant" when TransferFailure is { } sip:
                await Error(context, 429, "resource_exhausted", $"twirp error: sip status {sip.Code}",
                    new JsonObject { ["sip_status_code"] = sip.Code.ToString(System.Globalization.CultureInfo.InvariantCulture), ["sip_status"] = sip.Reason });
                return;
            case "livekit.SIP/TransferSIPParticipant":
                await Ok(context, []);
                return;
            default:
                await Error(context, 404, "bad_route", "no handler for " + name);
                return;
        }
    }

    /// <summary>An <c>EgressInfo</c> as livekit-server answers it: snake_case, every field, int64 as strings, times in nanoseconds.</summary>
    private static JsonObject EgressInfo(string egressId, DoubleRoom room, string status, JsonObject request) => new()
    {
        ["egress_id"] = egressId,
        ["room_id"] = room.Sid,
        ["room_name"] = room.Name,
        ["source_type"] = "EGRESS_SOURCE_TYPE_WEB",
        ["status"] = status,
        ["started_at"] = "0",
        ["ended_at"] = "0",
        ["updated_at"] = (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000).ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["room_composite"] = request.DeepClone(),
        ["stream_results"] = new JsonArray(),
        ["file_results"] = new JsonArray(),
        ["segment_results"] = new JsonArray(),
        ["image_results"] = new JsonArray(),
        ["error"] = "",
        ["error_code"] = 0,
        ["details"] = "",
        ["manifest_location"] = "",
        ["backup_storage_used"] = false,
        ["retry_count"] = 0,
    };

    private static bool Allowed(string method, JsonObject claims, JsonObject request)
    {
        var video = claims["video"] as JsonObject;
        var sip = claims["sip"] as JsonObject;
        bool Flag(JsonObject? o, string n) => (bool?)o?[n] ?? false;
        bool AdminOf(string? room) => Flag(video, "roomAdmin") && room is not null && (string?)video!["room"] == room;
        var room = (string?)(request["room"] ?? request["roomName"] ?? request["room_name"]);
        return method switch
        {
            "livekit.RoomService/ListRooms" => Flag(video, "roomList"),
            "livekit.RoomService/DeleteRoom" => Flag(video, "roomCreate"),
            "livekit.SIP/CreateSIPParticipant" => Flag(sip, "call"),
            "livekit.SIP/TransferSIPParticipant" => Flag(sip, "call") && AdminOf(room),
            _ when method.StartsWith("livekit.Egress/", StringComparison.Ordinal) => Flag(video, "roomRecord"),
            _ => AdminOf(room),
        };
    }

    private static JsonObject? Verify(string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 3)
        {
            return null;
        }

        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(ApiSecret), Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]));
        if (Base64Url(mac) != parts[2])
        {
            return null;
        }

        var claims = JsonNode.Parse(Convert.FromBase64String(Pad(parts[1])))!.AsObject();
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return (string?)claims["iss"] == ApiKey && (long?)claims["exp"] > now ? claims : null;
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string Pad(string s)
    {
        s = s.Replace('-', '+').Replace('_', '/');
        return s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '=');
    }

    private static Task Ok(HttpContext context, JsonObject body)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(body.ToJsonString());
    }

    private static Task Error(HttpContext context, int status, string code, string msg, JsonObject? meta = null)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        var body = new JsonObject { ["code"] = code, ["msg"] = msg };
        if (meta is not null)
        {
            body["meta"] = meta;
        }

        return context.Response.WriteAsync(body.ToJsonString());
    }

    private static Task Plain(HttpContext context, string text)
    {
        context.Response.StatusCode = 401;
        context.Response.ContentType = "text/plain";
        return context.Response.WriteAsync(text);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>A request the double received.</summary>
/// <param name="Method">Service and method, e.g. <c>livekit.RoomService/ListRooms</c>.</param>
/// <param name="Body">The JSON body as sent.</param>
/// <param name="Token">The bearer token, if any.</param>
public sealed record TwirpCall(string Method, string Body, string? Token);
