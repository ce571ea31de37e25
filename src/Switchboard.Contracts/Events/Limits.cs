namespace Switchboard.Contracts.Events;

/// <summary>Documented limits of the ingest API (docs/PROTOCOL.md).</summary>
public static class Limits
{
    /// <summary>Most events in one batch (HTTP or WebSocket message).</summary>
    public const int MaxBatchEvents = 1000;

    /// <summary>Most bytes in one batch body (HTTP request or WebSocket message).</summary>
    public const int MaxBatchBytes = 1024 * 1024;

    /// <summary>Most bytes of one event's serialised <c>data</c>.</summary>
    public const int MaxEventDataBytes = 64 * 1024;

    /// <summary>Longest event id, call id, identity or other short identifier.</summary>
    public const int ShortText = 128;

    /// <summary>Longest event type name.</summary>
    public const int MaxTypeLength = 64;

    /// <summary>Longest utterance, guidance or answer text.</summary>
    public const int LongText = 8000;

    /// <summary>Longest free-text reason, summary or question.</summary>
    public const int MediumText = 2000;
}
