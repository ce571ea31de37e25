using Switchboard.Server.Calls;
using Switchboard.Server.Knowledge;

namespace Switchboard.Server.Escalations;

/// <summary>What the help queue shows of a request: how long the caller has held, what was just said, and suggested answers.</summary>
/// <param name="Request">The request.</param>
/// <param name="HoldSeconds">How long the caller has held (until now, or until it closed).</param>
/// <param name="RecentTranscript">The call's last final transcript lines.</param>
/// <param name="QuickResponses">
/// Approved knowledge-base answers whose match score reaches <c>Escalations:QuickResponseMinMatch</c>,
/// best match first, each with its entry and topic (pending requests only).
/// </param>
public sealed record HelpRequestView(
    HelpRequest Request,
    double HoldSeconds,
    IReadOnlyList<TranscriptLine> RecentTranscript,
    IReadOnlyList<QuickResponse> QuickResponses);
