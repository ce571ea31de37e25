namespace Switchboard.Sdk;

/// <summary>
/// Latency of one conversational turn, with the meanings of LiveKit Agents' metrics. Every
/// duration is in milliseconds; leave a field null when the pipeline does not measure it.
/// </summary>
public readonly record struct TurnMetrics
{
    /// <summary>Identifies the turn (for example LiveKit's speech id); optional.</summary>
    public string? TurnId { get; init; }

    /// <summary>End-of-utterance delay: from the end of the user's speech to the decision that the turn is over.</summary>
    public double? EndOfUtteranceMs { get; init; }

    /// <summary>Speech-to-text: time to the final transcript after the user stopped speaking.</summary>
    public double? SttMs { get; init; }

    /// <summary>LLM time to first token.</summary>
    public double? LlmTtftMs { get; init; }

    /// <summary>LLM total duration of the completion.</summary>
    public double? LlmTotalMs { get; init; }

    /// <summary>Text-to-speech time to first byte of audio.</summary>
    public double? TtsTtfbMs { get; init; }

    /// <summary>End to end: from the user stopping speaking to the agent's audio starting.</summary>
    public double? E2eMs { get; init; }

    /// <summary>Prompt tokens of the LLM request.</summary>
    public int? PromptTokens { get; init; }

    /// <summary>Completion tokens of the LLM reply.</summary>
    public int? CompletionTokens { get; init; }

    /// <summary>The LLM model.</summary>
    public string? Model { get; init; }
}
