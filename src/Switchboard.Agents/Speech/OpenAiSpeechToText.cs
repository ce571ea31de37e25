using System.Diagnostics;
using Microsoft.Extensions.Logging;
using OpenAI.Audio;

namespace Switchboard.Agents.Speech;

/// <summary>Speech-to-text through an OpenAI-compatible <c>POST /audio/transcriptions</c>.</summary>
public sealed class OpenAiSpeechToText : ISpeechToText
{
    private readonly SpeechEndpoint _endpoint;

    /// <summary>Creates the provider; throws <see cref="ArgumentException"/> listing every problem with <paramref name="options"/>.</summary>
    public OpenAiSpeechToText(SpeechOptions options, ILogger<OpenAiSpeechToText>? logger = null)
    {
        _endpoint = new SpeechEndpoint(options, "Speech-to-text", static o => o.SttModel, logger);
    }

    /// <inheritdoc />
    public async Task<Transcription> TranscribeAsync(Stream audio, string fileName, string? language, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(audio);
        ArgumentException.ThrowIfNullOrWhiteSpace(fileName);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var options = new AudioTranscriptionOptions { Language = language };
            AudioTranscription result = await _endpoint.Client.TranscribeAudioAsync(audio, fileName, options, ct);
            var elapsed = Stopwatch.GetElapsedTime(started);
            SpeechLog.Transcribed(_endpoint.Logger, _endpoint.Model, result.Text.Length, elapsed.TotalMilliseconds);
            return new Transcription(result.Text, result.Language ?? language, elapsed);
        }
        catch (Exception e) when (SpeechEndpoint.IsServiceFailure(e))
        {
            var failure = _endpoint.Failure(e);
            SpeechLog.TranscriptionFailed(_endpoint.Logger, failure.Status, failure.Message);
            throw failure;
        }
    }
}
