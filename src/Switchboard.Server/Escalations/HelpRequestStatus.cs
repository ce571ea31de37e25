namespace Switchboard.Server.Escalations;

/// <summary>States of a help request.</summary>
public static class HelpRequestStatus
{
    /// <summary>Waiting for a supervisor.</summary>
    public const string Open = "open";

    /// <summary>A supervisor is working on it.</summary>
    public const string Claimed = "claimed";

    /// <summary>Answered; the agent has the answer.</summary>
    public const string Answered = "answered";

    /// <summary>Nobody answered in time.</summary>
    public const string TimedOut = "timed_out";

    /// <summary>The caller hung up or the agent withdrew it.</summary>
    public const string Cancelled = "cancelled";

    /// <summary>No supervisor with a matching skill was online when it arrived.</summary>
    public const string Unavailable = "unavailable";

    /// <summary>True while a supervisor can still answer.</summary>
    public static bool IsPending(string status) => status is Open or Claimed;
}
