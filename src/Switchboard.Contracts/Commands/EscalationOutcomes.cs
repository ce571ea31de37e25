namespace Switchboard.Contracts.Commands;

/// <summary>How a help request ended, as told to the agent in <see cref="EscalationAnswerData"/>.</summary>
public static class EscalationOutcomes
{
    /// <summary>A supervisor answered.</summary>
    public const string Answered = "answered";

    /// <summary>No supervisor with a matching skill was online; the agent should not keep the caller holding.</summary>
    public const string NoSupervisor = "no_supervisor";

    /// <summary>Nobody answered within the request's timeout.</summary>
    public const string TimedOut = "timed_out";

    /// <summary>The request was withdrawn (for example the call ended).</summary>
    public const string Cancelled = "cancelled";
}
