using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Switchboard.Contracts.Agent;
using Switchboard.Contracts.Events;

namespace Switchboard.Server.Tests.Infrastructure;

/// <summary>Builds wire events and posts batches, as an agent would.</summary>
public static class Events
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);

    public static JsonObject Make(string callId, string id, string type, object? data = null, int second = 0) => new()
    {
        ["id"] = id,
        ["callId"] = callId,
        ["type"] = type,
        ["at"] = T0.AddSeconds(second).ToString("O"),
        ["data"] = data is null ? new JsonObject() : JsonSerializer.SerializeToNode(data, ContractJson.Options),
    };

    public static JsonObject Started(string callId, string id = "start") =>
        Make(callId, id, EventTypes.CallStarted, new { agentName = "salon", direction = "inbound", caller = new { number = "+15550100" } });

    public static JsonObject Line(string callId, string id, string text, string speaker = "customer") =>
        Make(callId, id, EventTypes.TranscriptFinal, new { speaker, segmentId = "seg-" + id, text });

    public static JsonObject Ended(string callId, string id = "end", string reason = "completed") =>
        Make(callId, id, EventTypes.CallEnded, new { reason });

    /// <summary>The event as the server would store it with this seq (received when it happened), for the folds.</summary>
    public static StoredEvent Stored(JsonObject node, long seq)
    {
        var e = node.Deserialize<EventEnvelope>(ContractJson.Options)!;
        return new StoredEvent(e.CallId!, seq, e.Id!, e.Type!, e.At!.Value, e.At.Value, e.Data);
    }

    public static JsonObject Batch(params JsonObject[] events) => new() { ["events"] = new JsonArray(events) };

    public static async Task<BatchAck> PostAsync(HttpClient client, params JsonObject[] events)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/events", Batch(events));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST /api/v1/events answered {(int)response.StatusCode}: {body}");
        return JsonSerializer.Deserialize<BatchAck>(body, ContractJson.Options)!;
    }

    public static async Task<List<StoredEvent>> ReadAllAsync(HttpClient viewer, string callId)
    {
        var all = new List<StoredEvent>();
        long after = 0;
        while (true)
        {
            var page = await viewer.GetFromJsonAsync<JsonElement>($"/api/v1/calls/{callId}/events?after={after}&limit=1000");
            var events = page.GetProperty("events").Deserialize<List<StoredEvent>>(ContractJson.Options)!;
            all.AddRange(events);
            if (events.Count < 1000)
            {
                return all;
            }

            after = events[^1].Seq;
        }
    }
}
