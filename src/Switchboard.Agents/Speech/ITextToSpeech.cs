namespace Switchboard.Agents.Speech;

/// <summary>Turns an agent's reply into audio to play to the caller.</summary>
public interface ITextToSpeech
{
    /// <summary>Synthesizes <paramref name="text"/> into one audio file.</summary>
    /// <exception cref="SpeechProviderException">The service refused the request or could not be reached.</exception>
    Task<SynthesizedSpeech> SynthesizeAsync(string text, CancellationToken ct);
}
