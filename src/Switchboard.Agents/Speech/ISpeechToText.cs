namespace Switchboard.Agents.Speech;

/// <summary>Turns a caller's recorded audio into text.</summary>
public interface ISpeechToText
{
    /// <summary>Transcribes <paramref name="audio"/>, a complete audio file named <paramref name="fileName"/>
    /// (its extension tells the service the format), in <paramref name="language"/> (ISO-639-1) or a detected one.</summary>
    /// <exception cref="SpeechProviderException">The service refused the request or could not be reached.</exception>
    Task<Transcription> TranscribeAsync(Stream audio, string fileName, string? language, CancellationToken ct);
}
