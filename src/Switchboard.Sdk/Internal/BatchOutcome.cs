using Switchboard.Contracts.Agent;

namespace Switchboard.Sdk.Internal;

internal enum OutcomeKind
{
    /// <summary>Committed: <see cref="BatchOutcome.Results"/> holds one result per event.</summary>
    Acked,

    /// <summary>Refused because some events are invalid; nothing stored. Drop those, resend the rest.</summary>
    Invalid,

    /// <summary>Refused for a passing reason (store unavailable, auth): resend later.</summary>
    Retry,

    /// <summary>The connection failed or the acknowledgement did not come: reconnect and resend.</summary>
    Disconnected,

    /// <summary>Refused for a reason resending cannot fix: give the batch up.</summary>
    Fatal,
}

internal readonly record struct BatchOutcome(OutcomeKind Kind, IReadOnlyList<EventAck>? Results = null, IReadOnlyList<int>? InvalidIndexes = null, string? Message = null)
{
    public static BatchOutcome Disconnected(string message) => new(OutcomeKind.Disconnected, Message: message);
}
