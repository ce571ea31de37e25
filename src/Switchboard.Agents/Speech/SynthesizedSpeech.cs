namespace Switchboard.Agents.Speech;

/// <summary>Audio a text-to-speech service produced.</summary>
/// <param name="Audio">The audio file's bytes.</param>
/// <param name="ContentType">Its media type, as the service labelled it (for example <c>audio/wav</c>).</param>
/// <param name="TimeToFirstByte">From sending the request to the response's headers: the latency a caller hears before audio could start.</param>
public sealed record SynthesizedSpeech(ReadOnlyMemory<byte> Audio, string ContentType, TimeSpan TimeToFirstByte);
