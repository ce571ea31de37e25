using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Switchboard.Contracts.Events;

namespace Switchboard.Server.Ingest;

/// <summary>RFC 9457 problem details for ingest, each saying what to fix.</summary>
public static class IngestProblems
{
    private const string TypeBase = "https://switchboard.dev/problems/";

    /// <summary>One or more events of the batch are invalid; nothing was stored.</summary>
    public static ProblemDetails InvalidEvents(IReadOnlyList<EventError> errors)
    {
        var first = errors[0];
        var problem = new ProblemDetails
        {
            Type = TypeBase + "invalid-events",
            Title = "The batch contains invalid events; nothing of it was stored",
            Status = StatusCodes.Status400BadRequest,
            Detail = $"events[{first.Index}]{(first.EventId is null ? "" : $" (id '{first.EventId}')")}: {Path(first)} {first.Message}"
                + (errors.Count > 1 ? $" (and {errors.Count - 1} more)" : "") + ". Fix these events and resend the whole batch.",
        };
        problem.Extensions["errors"] = errors
            .GroupBy(e => $"events[{e.Index}].{Path(e)}".TrimEnd('.'))
            .ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray());
        problem.Extensions["invalidEvents"] = errors.Select(e => new { index = e.Index, id = e.EventId, field = Path(e), message = e.Message }).ToArray();
        return problem;
    }

    /// <summary>The body is not valid JSON of the expected shape.</summary>
    public static ProblemDetails MalformedJson(JsonException ex) => new()
    {
        Type = TypeBase + "malformed-json",
        Title = "The body is not valid JSON of the expected shape",
        Status = StatusCodes.Status400BadRequest,
        Detail = $"JSON error at {ex.Path ?? "$"} (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine}): send {{\"events\": [ … ]}} with each event an object.",
    };

    /// <summary>Too many events in one batch.</summary>
    public static ProblemDetails TooManyEvents(int count) => new()
    {
        Type = TypeBase + "batch-too-large",
        Title = "Too many events in one batch",
        Status = StatusCodes.Status413PayloadTooLarge,
        Detail = $"A batch holds at most {Limits.MaxBatchEvents} events (got {count}); split it.",
    };

    /// <summary>The body exceeds the byte limit.</summary>
    public static ProblemDetails TooManyBytes() => new()
    {
        Type = TypeBase + "batch-too-large",
        Title = "The batch is too large",
        Status = StatusCodes.Status413PayloadTooLarge,
        Detail = $"A batch is at most {Limits.MaxBatchBytes} bytes; split it.",
    };

    /// <summary>The batch has no events.</summary>
    public static ProblemDetails EmptyBatch() => new()
    {
        Type = TypeBase + "empty-batch",
        Title = "The batch has no events",
        Status = StatusCodes.Status400BadRequest,
        Detail = "Send {\"events\": [ … ]} with at least one event.",
    };

    /// <summary>An unknown WebSocket operation.</summary>
    public static ProblemDetails UnknownOp(string? op) => new()
    {
        Type = TypeBase + "unknown-op",
        Title = "Unknown operation",
        Status = StatusCodes.Status400BadRequest,
        Detail = $"'op' was '{op}'; use events, subscribe, unsubscribe or ping.",
    };

    /// <summary>The store could not commit; retry later.</summary>
    public static ProblemDetails StoreUnavailable() => new()
    {
        Type = TypeBase + "store-unavailable",
        Title = "The event store is unavailable",
        Status = StatusCodes.Status503ServiceUnavailable,
        Detail = "Nothing of the batch was stored; resend it later with the same event ids.",
    };

    /// <summary>The store refused the batch for what it holds; resending it unchanged fails again.</summary>
    public static ProblemDetails StoreRefused(Storage.EventStoreRefusedException ex) => new()
    {
        Type = TypeBase + "store-refused",
        Title = "The event store refused the batch; nothing of it was stored",
        Status = StatusCodes.Status400BadRequest,
        Detail = ex.Message + " Fix the batch before resending it.",
    };

    /// <summary>Too many call ids in one subscribe or unsubscribe.</summary>
    public static ProblemDetails TooManyCallIds(int count) => new()
    {
        Type = TypeBase + "too-many-call-ids",
        Title = "Too many call ids",
        Status = StatusCodes.Status400BadRequest,
        Detail = $"Subscribe to at most {Limits.MaxBatchEvents} calls per message (got {count}).",
    };

    /// <summary>A call id that could not be the id of a call.</summary>
    public static ProblemDetails InvalidCallId(string message) => new()
    {
        Type = TypeBase + "invalid-call-id",
        Title = "Invalid call id",
        Status = StatusCodes.Status400BadRequest,
        Detail = message,
    };

    private static string Path(EventError e) => e.Field;
}
