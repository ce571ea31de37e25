namespace Switchboard.Testing.OpenAiCompatible;

/// <summary>A <c>POST /v1/audio/transcriptions</c> request as the double received it.</summary>
/// <param name="Model">The form's <c>model</c>.</param>
/// <param name="FileName">The uploaded file's name.</param>
/// <param name="Bytes">How many bytes of audio were uploaded.</param>
/// <param name="Language">The form's <c>language</c>, when given.</param>
public sealed record TranscriptionRequest(string Model, string FileName, int Bytes, string? Language);
