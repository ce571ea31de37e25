namespace Switchboard.Testing.OpenAiCompatible;

/// <summary>A <c>POST /v1/audio/speech</c> request as the double received it.</summary>
public sealed record SpeechRequest(string Model, string Input, string? Voice, string? ResponseFormat);
