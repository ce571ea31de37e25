namespace Switchboard.Sdk;

/// <summary>A snapshot of a client's counters (see also the <c>Switchboard.Sdk</c> meter).</summary>
public sealed record SwitchboardStatistics
{
    /// <summary>Events reported since the client started.</summary>
    public long Reported { get; init; }

    /// <summary>Events the server acknowledged (durable ones after commit).</summary>
    public long Acknowledged { get; init; }

    /// <summary>Events held now: queued, or sent and awaiting acknowledgement.</summary>
    public long Pending { get; init; }

    /// <summary>Ephemeral events dropped by the overflow policy or for being too old to send.</summary>
    public long DroppedEphemeral { get; init; }

    /// <summary>Durable events dropped by the overflow policy.</summary>
    public long DroppedDurable { get; init; }

    /// <summary>Events the server refused as invalid (dropped; see the log).</summary>
    public long Refused { get; init; }

    /// <summary>Times the connection was re-established after a loss.</summary>
    public long Reconnects { get; init; }

    /// <summary>True while a connection to the server is open.</summary>
    public bool Connected { get; init; }
}
