using System.Text.Json;
using Switchboard.Contracts.Events;

namespace Switchboard.Server.Supervision;

/// <summary>Builds events the server appends on behalf of a person or itself.</summary>
public static class ServerEvent
{
    /// <summary>An event with the given id (stable ids make a retried action idempotent in the log too).</summary>
    public static EventEnvelope Create<T>(string callId, string type, T data, string id, DateTimeOffset at) => new()
    {
        Id = id,
        CallId = callId,
        Type = type,
        At = at,
        Data = JsonSerializer.SerializeToElement(data, ContractJson.Options),
    };

    /// <summary>An id derived from <paramref name="seed"/>: the same seed always gives the same id.</summary>
    public static string StableId(string prefix, string seed) =>
        prefix + "_" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(seed)), 0, 16).ToLowerInvariant();

    /// <summary>A fresh id with a readable prefix.</summary>
    public static string NewId(string prefix) => prefix + "_" + Guid.NewGuid().ToString("N");
}
