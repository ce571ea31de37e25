namespace Switchboard.Server.Archive;

/// <summary>
/// Configuration section <c>Scorecards:Judge</c>: the chat model behind an OpenAI-compatible
/// endpoint that judges the criteria of <see cref="ScorecardOptions.Judges"/>. Off unless enabled.
/// </summary>
public sealed class JudgeOptions : Operations.ChatEndpointOptions
{
    /// <summary>Longest wait for one answer.</summary>
    public int TimeoutMilliseconds { get; set; } = 15_000;

    /// <summary>Requests sent again after a timeout or an error, before the criterion is recorded as not evaluated.</summary>
    public int Retries { get; set; } = 1;

    /// <summary>Most requests in flight at once, over all calls being scored.</summary>
    public int MaxConcurrency { get; set; } = 4;
}
