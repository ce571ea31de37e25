using System.Text.Json;

namespace Switchboard.Sdk.Internal;

/// <summary>Turns a server problem (RFC 9457) refusing a batch into what the sender should do.</summary>
internal static class ProblemReader
{
    public static BatchOutcome Classify(JsonElement problem, int? httpStatus = null)
    {
        var type = problem.ValueKind == JsonValueKind.Object && problem.TryGetProperty("type", out var t) ? t.GetString() ?? "" : "";
        var detail = problem.ValueKind == JsonValueKind.Object && problem.TryGetProperty("detail", out var d) ? d.GetString() : null;
        var status = httpStatus ?? (problem.ValueKind == JsonValueKind.Object && problem.TryGetProperty("status", out var s) && s.TryGetInt32(out var n) ? n : 0);
        if (type.EndsWith("/invalid-events", StringComparison.Ordinal)
            && problem.TryGetProperty("invalidEvents", out var invalid) && invalid.ValueKind == JsonValueKind.Array)
        {
            var indexes = new List<int>();
            foreach (var item in invalid.EnumerateArray())
            {
                if (item.TryGetProperty("index", out var i) && i.TryGetInt32(out var index) && !indexes.Contains(index))
                {
                    indexes.Add(index);
                }
            }

            return new BatchOutcome(OutcomeKind.Invalid, InvalidIndexes: indexes, Message: detail);
        }

        return status is 503 or 429 or 401 or 403 or 0 or >= 500
            ? new BatchOutcome(OutcomeKind.Retry, Message: detail ?? $"status {status}")
            : new BatchOutcome(OutcomeKind.Fatal, Message: detail ?? $"status {status}");
    }
}
