namespace Switchboard.Testing.OpenAiCompatible;

/// <summary>A function call, as an assistant message carries it or as a <see cref="ChatReply"/> makes it.</summary>
/// <param name="Id">The call's id (<c>call_…</c>); a tool message answers it by this id.</param>
/// <param name="Name">The function's name.</param>
/// <param name="ArgumentsJson">The arguments, a JSON object as text.</param>
public sealed record ChatToolCall(string Id, string Name, string ArgumentsJson);
