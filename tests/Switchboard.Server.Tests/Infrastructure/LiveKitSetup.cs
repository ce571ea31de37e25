using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Switchboard.Server.LiveKit;

namespace Switchboard.Server.Tests.Infrastructure;

/// <summary>A Switchboard configured for LiveKit, and the webhooks and agent events tests send it.</summary>
public static class LiveKitSetup
{
    public const string WebhookKey = "APIwebhookTest";
    public const string WebhookSecret = "webhook-secret-for-tests-0123456789";

    /// <summary>The app, with the server API pointed at the double (when given) and the test webhook key accepted.</summary>
    public static SwitchboardApp App(LiveKitApiDouble? api, double reconcileSeconds = 3600)
    {
        var app = new SwitchboardApp();
        if (api is not null)
        {
            app.Settings["LiveKit:Url"] = api.Url.ToString();
            app.Settings["LiveKit:ApiKey"] = LiveKitApiDouble.ApiKey;
            app.Settings["LiveKit:ApiSecret"] = LiveKitApiDouble.ApiSecret;
        }

        app.Settings[$"LiveKit:WebhookKeys:{WebhookKey}"] = WebhookSecret;
        app.Settings["LiveKit:ReconcileIntervalSeconds"] = reconcileSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        app.Settings["LiveKit:RetryBaseDelayMilliseconds"] = "5";
        return app;
    }

    /// <summary>A webhook POST as LiveKit sends it: raw JWT (no Bearer) whose sha256 claim is the body's hash.</summary>
    public static HttpRequestMessage Webhook(string body, string? authorization = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/livekit/webhook")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/webhook+json"),
        };
        authorization ??= Sign(body);
        if (authorization.Length > 0)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        return request;
    }

    public static string Sign(string body, string key = WebhookKey, string secret = WebhookSecret, long? now = null)
    {
        var at = now ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var claims = new LiveKitClaims
        {
            Issuer = key,
            NotBefore = at,
            IssuedAt = at,
            Expires = at + 300,
            Sha256 = Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(body))),
        };
        return LiveKitJwt.Sign(claims, secret);
    }

    /// <summary>A webhook body in LiveKit's style: camelCase, defaults omitted, int64 as strings.</summary>
    public static string WebhookBody(string name, string roomSid, string roomName, JsonObject? participant = null, JsonObject? track = null, string? id = null)
    {
        var body = new JsonObject
        {
            ["event"] = name,
            ["room"] = new JsonObject { ["sid"] = roomSid, ["name"] = roomName, ["emptyTimeout"] = 300, ["creationTime"] = "1700000000" },
            ["id"] = id ?? "EV_" + Guid.NewGuid().ToString("N")[..12],
            ["createdAt"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        if (participant is not null)
        {
            body["participant"] = participant;
        }

        if (track is not null)
        {
            body["track"] = track;
        }

        return body.ToJsonString();
    }

    /// <summary>A webhook participant; kind STANDARD is omitted, as protojson omits defaults.</summary>
    public static JsonObject Participant(string identity, string? kind = null) => kind is null
        ? new JsonObject { ["sid"] = "PA_" + identity, ["identity"] = identity, ["state"] = "ACTIVE", ["joinedAt"] = "1700000000" }
        : new JsonObject { ["sid"] = "PA_" + identity, ["identity"] = identity, ["state"] = "ACTIVE", ["joinedAt"] = "1700000000", ["kind"] = kind };

    /// <summary>The agent reports its call's start, as the agent SDK would.</summary>
    public static async Task AgentStartsCallAsync(HttpClient agent, string callId, string roomName)
    {
        var batch = new
        {
            events = new object[]
            {
                new
                {
                    id = "start-" + callId,
                    callId,
                    type = "call.started",
                    at = DateTimeOffset.UtcNow,
                    data = new { roomName, roomSid = callId, agentName = "triage" },
                },
            },
        };
        using var response = await agent.PostAsJsonAsync("/api/v1/events", batch);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Reads the wallboard stream until <paramref name="callId"/> is reported ended; false on timeout.</summary>
    public static async Task<bool> WaitForCallEndedAsync(IAsyncEnumerator<SseFrame> wallboard, string callId)
    {
        try
        {
            while (await wallboard.MoveNextAsync())
            {
                if (wallboard.Current.Event == "call-ended" && wallboard.Current.Data.Contains(callId, StringComparison.Ordinal))
                {
                    return true;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }

        return false;
    }

    /// <summary>Reads the wallboard stream until the snapshot arrived; true when it lists <paramref name="callId"/>.</summary>
    public static async Task<bool> SnapshotListsAsync(IAsyncEnumerator<SseFrame> wallboard, string callId)
    {
        while (await wallboard.MoveNextAsync())
        {
            if (wallboard.Current.Event == "snapshot")
            {
                return wallboard.Current.Data.Contains(callId, StringComparison.Ordinal);
            }
        }

        return false;
    }

    /// <summary>The ids of the active calls.</summary>
    public static async Task<IReadOnlyList<string>> ActiveCallIdsAsync(HttpClient viewer)
    {
        var list = await viewer.GetFromJsonAsync<JsonObject>("/api/v1/calls");
        return [.. list!["calls"]!.AsArray().Select(c => (string)c!["callId"]!)];
    }
}
