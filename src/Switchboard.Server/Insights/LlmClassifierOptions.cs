using System.ComponentModel.DataAnnotations;

namespace Switchboard.Server.Insights;

/// <summary>
/// Configuration section <c>Insights:Llm</c>: sentiment by an OpenAI-compatible model; enabled, it
/// is used instead of the embedded default (which still answers when it times out or fails).
/// </summary>
public sealed class LlmClassifierOptions : Operations.ChatEndpointOptions
{
    /// <summary>Longest wait for an answer before the embedded default's score is used.</summary>
    [Range(10, 60_000)]
    public int TimeoutMilliseconds { get; set; } = 300;

    /// <summary>Most requests in flight at once; utterances beyond it are scored by the embedded default.</summary>
    [Range(1, 1024)]
    public int MaxConcurrency { get; set; } = 32;
}
