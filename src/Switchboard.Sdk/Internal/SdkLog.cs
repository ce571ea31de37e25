using Microsoft.Extensions.Logging;

namespace Switchboard.Sdk.Internal;

/// <summary>The SDK's log messages, with stable event ids (3000–3099).</summary>
internal static partial class SdkLog
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Connected to Switchboard at {Server} over {Transport}")]
    public static partial void Connected(this ILogger logger, Uri server, string transport);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Cannot reach Switchboard at {Server} ({Reason}); retrying in {DelayMs:0} ms, events are kept in memory")]
    public static partial void ConnectFailed(this ILogger logger, Uri server, string reason, double delayMs);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "Lost the connection to Switchboard ({Reason}); unacknowledged events will be resent")]
    public static partial void Disconnected(this ILogger logger, string reason);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning, Message = "The server refused {Count} invalid events, which were dropped: {Detail}")]
    public static partial void InvalidDropped(this ILogger logger, int count, string? detail);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Warning, Message = "The server refused a batch for now ({Detail}); retrying in {DelayMs:0} ms")]
    public static partial void BatchRetry(this ILogger logger, string? detail, double delayMs);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Error, Message = "The server refused a batch of {Count} events for good ({Detail}); they were dropped")]
    public static partial void BatchFatal(this ILogger logger, int count, string? detail);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Warning, Message = "The event buffer overflowed: {Ephemeral} ephemeral and {Durable} durable events dropped so far")]
    public static partial void Dropped(this ILogger logger, long ephemeral, long durable);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Warning, Message = "The server refused the WebSocket (HTTP {Status}); sending HTTP batches for {Minutes} min (no commands meanwhile)")]
    public static partial void HttpFallback(this ILogger logger, int status, double minutes);

    [LoggerMessage(EventId = 3009, Level = LogLevel.Error, Message = "Switchboard refused the API key (HTTP {Status}); check that it exists, is not revoked and has the agent scope")]
    public static partial void Unauthorized(this ILogger logger, int status);

    [LoggerMessage(EventId = 3010, Level = LogLevel.Warning, Message = "Dropped a report with custom type '{Type}': custom types must start with 'x-'")]
    public static partial void BadCustomType(this ILogger logger, string type);

    [LoggerMessage(EventId = 3011, Level = LogLevel.Error, Message = "The command handler for {CommandType} on call {CallId} failed")]
    public static partial void HandlerFailed(this ILogger logger, Exception ex, string commandType, string callId);

    [LoggerMessage(EventId = 3012, Level = LogLevel.Error, Message = "Unexpected error in the Switchboard sender; continuing")]
    public static partial void SenderError(this ILogger logger, Exception ex);

    [LoggerMessage(EventId = 3013, Level = LogLevel.Warning, Message = "Dropped an event of type {Type} on call {CallId}: larger than the server accepts")]
    public static partial void TooLarge(this ILogger logger, string type, string callId);
}
