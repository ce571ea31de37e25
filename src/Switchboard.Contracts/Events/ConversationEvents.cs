using System.Text.Json;

namespace Switchboard.Contracts.Events;

/// <summary><c>transcript.final</c> and <c>transcript.interim</c>.</summary>
public sealed record TranscriptData(
    string? Speaker = null,
    string? SegmentId = null,
    string? Text = null,
    DateTimeOffset? StartedAt = null,
    DateTimeOffset? EndedAt = null,
    string? Language = null) : IEventData
{
    /// <inheritdoc />
    public void Validate(FieldErrors errors)
    {
        errors.OneOf("speaker", Speaker, Vocabulary.SpeakerRoles);
        errors.Id("segmentId", SegmentId);
        if (Text is null)
        {
            errors.Add("text", "is required");
        }
        else
        {
            errors.Optional("text", Text, Limits.LongText);
        }

        errors.Optional("language", Language, 16);
        if (StartedAt is { } s && EndedAt is { } e && e < s)
        {
            errors.Add("endedAt", "must not be before startedAt");
        }
    }
}

/// <summary><c>tool.called</c>.</summary>
public sealed record ToolCalledData(string? ToolCallId = null, string? Name = null, JsonElement? Arguments = null) : IEventData
{
    /// <inheritdoc />
    public void Validate(FieldErrors errors)
    {
        errors.Id("toolCallId", ToolCallId);
        errors.Required("name", Name);
    }
}

/// <summary><c>tool.result</c>.</summary>
public sealed record ToolResultData(
    string? ToolCallId = null,
    string? Name = null,
    bool? Ok = null,
    JsonElement? Result = null,
    string? Error = null,
    double? DurationMs = null) : IEventData
{
    /// <inheritdoc />
    public void Validate(FieldErrors errors)
    {
        errors.Id("toolCallId", ToolCallId);
        errors.Required("name", Name);
        if (Ok is null)
        {
            errors.Add("ok", "is required (true or false)");
        }

        errors.Optional("error", Error, Limits.MediumText);
        errors.NonNegative("durationMs", DurationMs);
    }
}

/// <summary>
/// <c>metrics.turn</c>: latency of one conversational turn, with LiveKit Agents' meanings:
/// end of utterance delay, STT duration, LLM time to first token and total, TTS time to first
/// byte, and end-to-end (user stops speaking to agent audio starts), all in milliseconds.
/// </summary>
public sealed record TurnMetricsData(
    string? TurnId = null,
    double? EndOfUtteranceMs = null,
    double? SttMs = null,
    double? LlmTtftMs = null,
    double? LlmTotalMs = null,
    double? TtsTtfbMs = null,
    double? E2eMs = null,
    int? PromptTokens = null,
    int? CompletionTokens = null,
    string? Model = null) : IEventData
{
    /// <inheritdoc />
    public void Validate(FieldErrors errors)
    {
        errors.Optional("turnId", TurnId);
        errors.NonNegative("endOfUtteranceMs", EndOfUtteranceMs);
        errors.NonNegative("sttMs", SttMs);
        errors.NonNegative("llmTtftMs", LlmTtftMs);
        errors.NonNegative("llmTotalMs", LlmTotalMs);
        errors.NonNegative("ttsTtfbMs", TtsTtfbMs);
        errors.NonNegative("e2eMs", E2eMs);
        errors.NonNegative("promptTokens", PromptTokens);
        errors.NonNegative("completionTokens", CompletionTokens);
        errors.Optional("model", Model);
    }
}

/// <summary><c>sentiment.scored</c> (server-derived).</summary>
public sealed record SentimentScoredData(string? SegmentId = null, string? Label = null, double? Score = null, string? Model = null)
    : IEventData
{
    /// <inheritdoc />
    public void Validate(FieldErrors errors)
    {
        errors.Id("segmentId", SegmentId);
        errors.OneOf("label", Label, Vocabulary.SentimentLabels);
        if (Score is not (>= -1 and <= 1))
        {
            errors.Add("score", "is required, between -1 and 1");
        }

        errors.Optional("model", Model);
    }
}

/// <summary><c>alert.raised</c> (server-derived): the call needs attention, and why.</summary>
public sealed record AlertRaisedData(double? Score = null, IReadOnlyList<string>? Reasons = null) : IEventData
{
    /// <inheritdoc />
    public void Validate(FieldErrors errors)
    {
        errors.NonNegative("score", Score);
        if (Reasons is null || Reasons.Count == 0)
        {
            errors.Add("reasons", "is required (at least one reason)");
        }
    }
}
