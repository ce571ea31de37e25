using Switchboard.Server.Redaction;

namespace Switchboard.Server.Escalations;

/// <summary>An agent's question for a human while the caller holds.</summary>
/// <param name="Id">Server id, used in the URLs.</param>
/// <param name="CallId">The call.</param>
/// <param name="RequestId">The agent's id for it (in <c>escalation.*</c> events and the answer command).</param>
/// <param name="Question">The question.</param>
/// <param name="Topic">Routing topic, matched against supervisors' skills.</param>
/// <param name="Context">What the agent knows so far.</param>
/// <param name="Status">See <see cref="HelpRequestStatus"/>.</param>
/// <param name="RequestedAt">When it arrived.</param>
/// <param name="TimeoutAt">When the caller stops holding for it.</param>
/// <param name="RoutedTo">Usernames of the online supervisors it was routed to.</param>
public sealed record HelpRequest(
    string Id,
    string CallId,
    string RequestId,
    string Question,
    string? Topic,
    string? Context,
    string Status,
    DateTimeOffset RequestedAt,
    DateTimeOffset TimeoutAt,
    IReadOnlyList<string> RoutedTo)
{
    /// <summary>Who claimed it.</summary>
    public string? ClaimedBy { get; init; }

    /// <summary>When it was claimed.</summary>
    public DateTimeOffset? ClaimedAt { get; init; }

    /// <summary>The answer.</summary>
    public string? Answer { get; init; }

    /// <summary>Who answered.</summary>
    public string? AnsweredBy { get; init; }

    /// <summary>When it stopped being pending.</summary>
    public DateTimeOffset? ClosedAt { get; init; }

    /// <summary>Why it closed without an answer.</summary>
    public string? CloseReason { get; init; }

    /// <summary>The request as a caller with this mask may see it: question, context and answer masked.</summary>
    public HelpRequest Masked(DisplayMask mask) => mask.IsNone
        ? this
        : this with { Question = mask.Text(Question), Context = mask.Text(Context), Answer = mask.Text(Answer) };
}
