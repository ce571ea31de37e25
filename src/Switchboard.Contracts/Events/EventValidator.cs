using System.Text.Json;

namespace Switchboard.Contracts.Events;

/// <summary>Validates event envelopes and their payloads against the catalogue.</summary>
public static class EventValidator
{
    /// <summary>
    /// Validates every event of a batch and returns every error found (empty when all are valid).
    /// </summary>
    /// <param name="events">The batch.</param>
    /// <param name="fromAgent">True when the sender is an agent: server-only types are refused.</param>
    public static List<EventError> Validate(IReadOnlyList<EventEnvelope?> events, bool fromAgent)
    {
        var result = new List<EventError>();
        var errors = new FieldErrors();
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            if (e is null)
            {
                result.Add(new EventError(i, null, "", "must be an event object, not null"));
                continue;
            }

            ValidateOne(e, fromAgent, errors);
            foreach (var (field, message) in errors.Items)
            {
                result.Add(new EventError(i, e.Id, field, message));
            }

            errors = errors.IsEmpty ? errors : new FieldErrors();
        }

        return result;
    }

    /// <summary>Validates one event, adding errors with paths like <c>data.text</c>.</summary>
    public static void ValidateOne(EventEnvelope e, bool fromAgent, FieldErrors errors)
    {
        errors.Id("id", e.Id);
        if (CallIds.CallIdProblem(e.CallId) is { } callIdProblem)
        {
            errors.Add("callId", callIdProblem);
        }

        if (e.At is null)
        {
            errors.Add("at", "is required (an ISO 8601 timestamp)");
        }

        if (e.Traceparent is { } trace && TraceContext.Problem(trace) is { } traceProblem)
        {
            errors.Add("traceparent", traceProblem);
        }

        if (string.IsNullOrWhiteSpace(e.Type))
        {
            errors.Add("type", "is required");
            return;
        }

        if (e.Type.Length > Limits.MaxTypeLength)
        {
            errors.Add("type", $"must be at most {Limits.MaxTypeLength} characters");
            return;
        }

        var kind = EventCatalog.Find(e.Type);
        if (kind is null)
        {
            errors.Add("type", $"unknown type '{e.Type}'; custom types must start with '{EventTypes.CustomPrefix}'");
            return;
        }

        if (fromAgent && !kind.AgentMaySend)
        {
            errors.Add("type", $"'{e.Type}' is emitted by the server only");
            return;
        }

        ValidateData(e.Data, kind, errors);
    }

    private static void ValidateData(JsonElement data, EventKind kind, FieldErrors errors)
    {
        if (data.ValueKind == JsonValueKind.Undefined || data.ValueKind == JsonValueKind.Null)
        {
            if (kind.DataType is null)
            {
                return;
            }

            data = EmptyObject;
        }
        else if (data.ValueKind != JsonValueKind.Object)
        {
            errors.Add("data", "must be a JSON object");
            return;
        }

        if (System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(data).Length > Limits.MaxEventDataBytes)
        {
            errors.Add("data", $"must be at most {Limits.MaxEventDataBytes} bytes");
            return;
        }

        if (JsonText.FindDamage(data, "data") is { } damage)
        {
            errors.Add(damage.Path, $"is not valid text (byte {damage.Byte} of data): send UTF-8, and \\u escapes only of whole characters");
            return;
        }

        if (kind.DataType is null)
        {
            return;
        }

        IEventData? payload;
        try
        {
            payload = (IEventData?)data.Deserialize(kind.DataType, ContractJson.Options);
        }
        catch (JsonException ex)
        {
            var path = ex.Path is { Length: > 2 } p ? "data" + p[1..] : "data";
            errors.Add(path, "has the wrong JSON type or format");
            return;
        }

        var inner = new FieldErrors();
        payload?.Validate(inner);
        foreach (var (field, message) in inner.Items)
        {
            errors.Add("data." + field, message);
        }
    }

    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement;
}
