namespace Switchboard.Testing.OpenAiCompatible;

/// <summary>One message of a chat request, as the client sent it.</summary>
/// <param name="Role"><c>system</c>, <c>developer</c>, <c>user</c>, <c>assistant</c> or <c>tool</c>.</param>
/// <param name="Content">The text (text parts joined when the content was an array), or null.</param>
/// <param name="ToolCalls">The calls an assistant message made.</param>
/// <param name="ToolCallId">Which call a tool message answers.</param>
public sealed record ChatRequestMessage(string Role, string? Content, IReadOnlyList<ChatToolCall> ToolCalls, string? ToolCallId);
