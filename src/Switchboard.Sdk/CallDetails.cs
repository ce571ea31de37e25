namespace Switchboard.Sdk;

/// <summary>What is known about a call when it starts (the <c>call.started</c> event).</summary>
public sealed record CallDetails
{
    /// <summary>The LiveKit room name.</summary>
    public string? RoomName { get; init; }

    /// <summary>The LiveKit room SID (<c>RM_…</c>).</summary>
    public string? RoomSid { get; init; }

    /// <summary>The agent's name (as dispatched by LiveKit).</summary>
    public string? AgentName { get; init; }

    /// <summary>Which way the call was placed.</summary>
    public CallDirection? Direction { get; init; }

    /// <summary>The caller's phone number, when known.</summary>
    public string? CallerNumber { get; init; }

    /// <summary>The caller's participant identity.</summary>
    public string? CallerIdentity { get; init; }

    /// <summary>The caller's display name.</summary>
    public string? CallerName { get; init; }

    /// <summary>Free-form metadata as a JSON object (for example the room or job metadata).</summary>
    public string? MetadataJson { get; init; }
}
