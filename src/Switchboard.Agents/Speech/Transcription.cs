namespace Switchboard.Agents.Speech;

/// <summary>What a speech-to-text service heard.</summary>
/// <param name="Text">The transcribed text.</param>
/// <param name="Language">The language the service reported, else the one asked for, else null.</param>
/// <param name="Duration">How long the request took, upload included.</param>
public sealed record Transcription(string Text, string? Language, TimeSpan Duration);
