namespace Switchboard.Server.Escalations;

/// <summary>The request after a claim or answer, or the problem that stopped it.</summary>
public sealed record QueueOutcome(HelpRequest? Request, int Status, string? Title = null, string? Detail = null)
{
    /// <summary>Success.</summary>
    public static QueueOutcome Ok(HelpRequest request) => new(request, StatusCodes.Status200OK);

    /// <summary>A problem.</summary>
    public static QueueOutcome Problem(int status, string title, string detail) => new(null, status, title, detail);
}
