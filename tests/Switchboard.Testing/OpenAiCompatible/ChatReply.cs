using System.Text.Json;

namespace Switchboard.Testing.OpenAiCompatible;

/// <summary>What the double answers a chat request with: text, function calls or an error, and how fast.</summary>
public sealed record ChatReply
{
    /// <summary>The assistant's text; a streamed reply sends it in several chunks split on word boundaries.</summary>
    public string? Text { get; init; }

    /// <summary>Function calls to make; an empty <see cref="ChatToolCall.Id"/> is replaced by a generated <c>call_…</c>.</summary>
    public IReadOnlyList<ChatToolCall> ToolCalls { get; init; } = [];

    /// <summary>The HTTP status; 400 or more answers with an OpenAI error body instead of a completion.</summary>
    public int Status { get; init; } = 200;

    /// <summary>The error body's message when <see cref="Status"/> is an error.</summary>
    public string? ErrorMessage { get; init; }

    /// <summary>How long to wait before the first chunk (or before the whole non-streamed reply).</summary>
    public TimeSpan FirstTokenDelay { get; init; }

    /// <summary>How long to wait between chunks.</summary>
    public TimeSpan ChunkDelay { get; init; }

    /// <summary>The usage's <c>prompt_tokens</c>.</summary>
    public int PromptTokens { get; init; } = 12;

    /// <summary>The usage's <c>completion_tokens</c>.</summary>
    public int CompletionTokens { get; init; } = 7;

    /// <summary>A reply of plain text.</summary>
    public static ChatReply Say(string text) => new() { Text = text };

    /// <summary>A reply that calls function <paramref name="name"/> with <paramref name="arguments"/> serialised to JSON.</summary>
    public static ChatReply Call(string name, object arguments) =>
        new() { ToolCalls = [new ChatToolCall("", name, JsonSerializer.Serialize(arguments))] };

    /// <summary>A reply that fails with <paramref name="status"/> and an error body carrying <paramref name="message"/>.</summary>
    public static ChatReply Fail(int status, string message) => new() { Status = status, ErrorMessage = message };
}
