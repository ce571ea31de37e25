namespace Switchboard.Server.Archive;

/// <summary>One line of a call's final transcript: who said it and what.</summary>
public sealed record TranscriptLine(string Speaker, string Text);
