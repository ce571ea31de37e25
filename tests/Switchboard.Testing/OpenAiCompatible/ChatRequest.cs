namespace Switchboard.Testing.OpenAiCompatible;

/// <summary>A <c>POST /v1/chat/completions</c> request as the double received it.</summary>
/// <param name="Model">The requested model; the reply echoes it.</param>
/// <param name="Stream">Whether the client asked for server-sent events.</param>
/// <param name="Messages">The conversation, in order.</param>
/// <param name="ToolNames">The names of the functions offered in <c>tools</c>.</param>
/// <param name="RawJson">The request body as sent.</param>
public sealed record ChatRequest(string Model, bool Stream, IReadOnlyList<ChatRequestMessage> Messages, IReadOnlyList<string> ToolNames, string RawJson)
{
    /// <summary>The text of every system and developer message, joined with a line feed.</summary>
    public string SystemText => string.Join("\n", Messages
        .Where(m => m.Role is "system" or "developer" && m.Content is not null)
        .Select(m => m.Content));

    /// <summary>The text of the last user message, or null when there is none.</summary>
    public string? LastUserText => Messages.LastOrDefault(m => m.Role == "user")?.Content;

    /// <summary>The tool results present: the messages of role <c>tool</c>, with their call id and content.</summary>
    public IReadOnlyList<ChatRequestMessage> ToolResults => [.. Messages.Where(m => m.Role == "tool")];

    /// <summary>Whether a function named <paramref name="toolName"/> is offered.</summary>
    public bool Offers(string toolName) => ToolNames.Contains(toolName, StringComparer.Ordinal);
}
