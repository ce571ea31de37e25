using System.ClientModel;
using System.ClientModel.Primitives;
using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Switchboard.Agents.Speech;

/// <summary>Text-to-speech through an OpenAI-compatible <c>POST /audio/speech</c>.</summary>
public sealed class OpenAiTextToSpeech : ITextToSpeech
{
    private readonly SpeechEndpoint _endpoint;

    /// <summary>Creates the provider; throws <see cref="ArgumentException"/> listing every problem with <paramref name="options"/>.</summary>
    public OpenAiTextToSpeech(SpeechOptions options, ILogger<OpenAiTextToSpeech>? logger = null)
    {
        _endpoint = new SpeechEndpoint(options, "Text-to-speech", static o => o.TtsModel, logger);
    }

    /// <inheritdoc />
    public async Task<SynthesizedSpeech> SynthesizeAsync(string text, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        // The protocol form of GenerateSpeechAsync with an unbuffered response: the time to the headers
        // is the latency a caller hears, which the typed form hides by reading the whole body first.
        using var body = BinaryContent.Create(BinaryData.FromObjectAsJson(new
        {
            model = _endpoint.Model,
            input = text,
            voice = _endpoint.Options.Voice,
            response_format = _endpoint.Options.ResponseFormat,
        }));
        var started = Stopwatch.GetTimestamp();
        try
        {
            var result = await _endpoint.Client.GenerateSpeechAsync(body, new RequestOptions { BufferResponse = false, CancellationToken = ct });
            var firstByte = Stopwatch.GetElapsedTime(started);
            using var response = result.GetRawResponse();
            var audio = new MemoryStream();
            await using (var stream = response.ContentStream ?? Stream.Null)
            {
                await stream.CopyToAsync(audio, ct);
            }

            var contentType = response.Headers.TryGetValue("Content-Type", out var type) && !string.IsNullOrEmpty(type) ? type : _endpoint.Options.ContentType;
            SpeechLog.Synthesized(_endpoint.Logger, audio.Length, contentType, _endpoint.Model, firstByte.TotalMilliseconds);
            return new SynthesizedSpeech(audio.GetBuffer().AsMemory(0, (int)audio.Length), contentType, firstByte);
        }
        catch (Exception e) when (SpeechEndpoint.IsServiceFailure(e))
        {
            var failure = _endpoint.Failure(e);
            SpeechLog.SynthesisFailed(_endpoint.Logger, failure.Status, failure.Message);
            throw failure;
        }
    }
}
